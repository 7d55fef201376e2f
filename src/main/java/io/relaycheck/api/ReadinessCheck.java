package io.relaycheck.api;

import io.relaycheck.check.CheckMetrics;
import io.relaycheck.check.RelayCheckService;
import io.relaycheck.config.RelayCheckConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means "send me checks": not while every check slot is taken (the load balancer should
 * go elsewhere rather than collect 503s here), and not while DNS has gone silent. Reads counters
 * only; never blocks, never queries anything.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    RelayCheckService service;

    @Inject
    CheckMetrics metrics;

    @Inject
    RelayCheckConfig config;

    @Override
    public HealthCheckResponse call() {
        int running = service.runningChecks();
        int max = config.limits().maxConcurrentChecks();
        boolean saturated = running >= max;
        boolean dnsDown = metrics.dnsLooksUnreachable();
        return HealthCheckResponse.named("relay-check")
                .status(!saturated && !dnsDown)
                .withData("runningChecks", running)
                .withData("maxConcurrentChecks", max)
                .withData("saturated", saturated)
                .withData("dnsReachable", !dnsDown)
                .withData("smtpDialoguesInFlight", metrics.dialoguesInFlight())
                .build();
    }
}
