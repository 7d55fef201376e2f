package io.relaycheck.verdict;

/** A finding's status. */
public enum Status {
    PASS, INFO, WARN, FAIL
}
