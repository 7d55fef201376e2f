package io.relaycheck.verdict;

import java.util.List;

/** The graded answer for one server. */
public record Grade(Verdict verdict, Reason reason, List<Finding> findings) {
    public Grade {
        findings = List.copyOf(findings);
    }
}
