package io.relaycheck.testing;

import io.relaycheck.smtp.CancelSignal;
import io.relaycheck.smtp.SmtpLimits;
import io.relaycheck.smtp.SmtpSession;
import io.relaycheck.smtp.Transcript;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one SmtpSession against a fake server on its own event-loop context; the test thread waits. */
public final class SessionRunner {

    private SessionRunner() {
    }

    public static SmtpSession.SessionResult run(Vertx vertx, NetClient client, FakeSmtpServer server, SmtpLimits limits,
                                                boolean startTls, List<SmtpSession.Transaction> transactions)
            throws Exception {
        return run(vertx, client, server, limits, startTls, transactions, CancelSignal.NEVER);
    }

    public static SmtpSession.SessionResult run(Vertx vertx, NetClient client, FakeSmtpServer server, SmtpLimits limits,
                                                boolean startTls, List<SmtpSession.Transaction> transactions,
                                                CancelSignal cancelled) throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<SmtpSession.SessionResult> result = Promise.promise();
        long origin = System.nanoTime();
        context.runOnContext(v -> SmtpSession.run(vertx, client,
                        new SmtpSession.Endpoint(SocketAddress.inetSocketAddress(server.port(), "127.0.0.1"),
                                "mx.relay.test", false),
                        new SmtpSession.Options("probe.example", startTls), limits, new Transcript(origin, 1, limits.maxTranscriptLines()),
                        origin + limits.sessionDeadline().toNanos(), hello -> transactions, cancelled)
                .onComplete(result));
        // Bounded wait in the test thread only; a session that never ends fails the test here.
        return result.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
