package io.relaycheck.check;

import java.time.Duration;
import java.util.List;

/**
 * A validated-for-shape request: the REST layer fills defaults; the service checks meaning
 * (target syntax, policy, test ids).
 *
 * @param target     as the user wrote it
 * @param port       the port
 * @param mailDomain MD, or null
 * @param tests      variant ids, or null/empty for all
 * @param startTls   upgrade when offered
 * @param transcript include transcripts
 * @param timeout    deadline of the whole check
 * @param fresh      skip the cache of recent results (subject to the minimum interval)
 */
public record CheckCommand(String target, int port, String mailDomain, List<String> tests, boolean startTls,
                           boolean transcript, Duration timeout, boolean fresh) {
}
