package io.relaycheck.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionPlanTest {

    @ParameterizedTest(name = "{0} variants, at most {1} failures → {2} connections")
    @CsvSource({"26, 8, 4", "26, 20, 2", "1, 8, 1", "6, 8, 1", "7, 8, 2", "26, 3, 10"})
    void neverExceedsTheFailureBudgetAndLosesNothing(int variants, int max, int sessions) {
        List<RelayVariant> selected = RelayBattery.ALL.subList(0, variants);
        List<SessionPlan> plans = SessionPlan.plan(selected, true, max);
        assertEquals(sessions, plans.size());
        assertTrue(plans.stream().allMatch(p -> p.possibleFailures() <= max));
        assertEquals(selected, plans.stream().flatMap(p -> p.variants().stream()).toList());
        assertTrue(plans.get(0).controls());
        assertEquals(1, plans.stream().filter(SessionPlan::controls).count());
        int min = plans.stream().mapToInt(SessionPlan::possibleFailures).min().orElseThrow();
        int maxUsed = plans.stream().mapToInt(SessionPlan::possibleFailures).max().orElseThrow();
        assertTrue(maxUsed - min <= 1, "balanced: " + min + ".." + maxUsed);
    }
}
