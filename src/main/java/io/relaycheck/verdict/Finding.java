package io.relaycheck.verdict;

/**
 * One thing we checked, in words a person can act on.
 *
 * @param check       stable id, e.g. {@code relay}, {@code recipient-validation}
 * @param status      PASS, INFO, WARN or FAIL
 * @param title       one line
 * @param detail      what we saw, with the names, addresses and replies involved
 * @param explanation why it matters
 * @param remediation what to change, in the detected MTA's own terms; null when nothing to do
 */
public record Finding(String check, Status status, String title, String detail, String explanation,
                      String remediation) {
}
