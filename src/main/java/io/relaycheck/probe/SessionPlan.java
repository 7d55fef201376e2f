package io.relaycheck.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * How a server's battery is spread over connections. Servers punish clients that collect errors:
 * Postfix sleeps a second per reply after {@code smtpd_soft_error_limit} (10) errors and hangs up
 * at {@code smtpd_hard_error_limit} (20); Exim drops clients after a few syntax errors. So no
 * connection carries more than {@code maxFailuresPerSession} commands that may be refused, and the
 * chunks are balanced so that they finish at about the same time when run concurrently.
 *
 * @param variants the relay tests of this connection
 * @param controls whether the control questions ride on this connection
 */
public record SessionPlan(List<RelayVariant> variants, boolean controls) {

    /** The control transaction has two RCPTs, either of which may be refused. */
    public static final int CONTROL_FAILURES = 2;

    public SessionPlan {
        variants = List.copyOf(variants);
    }

    /** Refusals this connection may collect at the most. */
    public int possibleFailures() {
        return variants.size() + (controls ? CONTROL_FAILURES : 0);
    }

    /**
     * Splits {@code variants} (plus the controls, when wanted) into as few connections as the
     * failure budget allows, with sizes differing by at most one; the controls go first, on the
     * first connection, so their answer is known early.
     */
    public static List<SessionPlan> plan(List<RelayVariant> variants, boolean withControls, int maxFailuresPerSession) {
        if (maxFailuresPerSession < CONTROL_FAILURES + 1) {
            throw new IllegalArgumentException("maxFailuresPerSession must be at least " + (CONTROL_FAILURES + 1));
        }
        int slots = variants.size() + (withControls ? CONTROL_FAILURES : 0);
        if (slots == 0) {
            return List.of();
        }
        int sessions = (slots + maxFailuresPerSession - 1) / maxFailuresPerSession;
        List<SessionPlan> plans = new ArrayList<>(sessions);
        int index = 0;
        for (int s = 0; s < sessions; s++) {
            int share = slots / sessions + (s < slots % sessions ? 1 : 0);
            boolean controls = withControls && s == 0;
            int take = Math.max(0, share - (controls ? CONTROL_FAILURES : 0));
            take = Math.min(take, variants.size() - index);
            plans.add(new SessionPlan(variants.subList(index, index + take), controls));
            index += take;
        }
        if (index != variants.size()) {
            throw new IllegalStateException("planning lost variants");
        }
        return plans;
    }
}
