package io.relaycheck.check;

import io.relaycheck.config.RelayCheckConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The two Vert.x NetClients all SMTP connections share: one for plain connections (upgraded by
 * STARTTLS), one for implicit TLS on port 465.
 */
@ApplicationScoped
public class SmtpClients {

    private final NetClient plain;
    private final NetClient implicitTls;

    @Inject
    public SmtpClients(io.vertx.mutiny.core.Vertx vertx, RelayCheckConfig config) {
        Vertx core = vertx.getDelegate();
        this.plain = core.createNetClient(options(config, false));
        this.implicitTls = core.createNetClient(options(config, true));
    }

    private static NetClientOptions options(RelayCheckConfig config, boolean ssl) {
        // trustAll: the handshake must succeed with a bad certificate so that we still see the
        // server's answers; CertificateInspector judges the certificate afterwards as evidence.
        return new NetClientOptions()
                .setConnectTimeout((int) config.limits().connectTimeout().toMillis())
                .setSsl(ssl)
                .setTrustAll(true)
                .setHostnameVerificationAlgorithm("")
                .setSslHandshakeTimeout(config.limits().commandTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true);
    }

    public NetClient forPort(int port) {
        return port == 465 ? implicitTls : plain;
    }

    @PreDestroy
    void close() {
        plain.close();
        implicitTls.close();
    }
}
