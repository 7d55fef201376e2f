package io.relaycheck.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the service, under {@code relay-check.*} (DESIGN.md §6). Defaults carry the
 * reason for their value.
 */
@ConfigMapping(prefix = "relay-check")
public interface RelayCheckConfig {

    /** Which targets may be checked. */
    Policy policy();

    /** How names are resolved. */
    Dns dns();

    /** Time and size limits; every byte from a target is hostile. */
    Limits limits();

    /** The identity the probe presents to servers. */
    Probe probe();

    /** Recent results, served again instead of checking a server again. */
    Cache cache();

    /** Thresholds of the per-server diagnostics (connect and transaction times, certificate expiry). */
    Diagnostics diagnostics();

    interface Diagnostics {
        /**
         * Look up each server address's PTR names and their forward confirmation (findings ptr,
         * fcrdns, banner-matches-ptr), concurrently with the SMTP battery. Off: those findings are
         * left out and no reverse query is sent.
         */
        @WithDefault("true")
        boolean reverseDns();

        /**
         * How long a finished battery waits for reverse DNS before reporting without it. Broken
         * reverse zones time out slowly (retries of the query timeout); the relay answer should
         * not wait for them. What is unanswered is reported as such.
         */
        @WithDefault("2s")
        Duration reverseDnsGrace();

        /** TCP connect (with the TLS handshake on port 465) slower than this is a warning. */
        @WithDefault("1s")
        Duration connectWarn();

        /** TCP connect slower than this fails the connect-time diagnostic; senders' own timeouts get close. */
        @WithDefault("5s")
        Duration connectFail();

        /**
         * One connection's time from the complete greeting to the last reply of its relay tests
         * (EHLO, STARTTLS, MAIL, RCPT, RSET) above this is a warning: the server is slow or tarpits.
         */
        @WithDefault("5s")
        Duration transactionWarn();

        /** Above this the transaction-time diagnostic fails: senders see timeouts and retry. */
        @WithDefault("20s")
        Duration transactionFail();

        /** A certificate that expires within this many days is a warning (an expired one fails). */
        @WithDefault("14")
        int certificateExpiryWarnDays();
    }

    /** Batch checks. */
    Batch batch();

    interface Batch {
        /** Targets in one batch at most. */
        @WithDefault("10000")
        int maxTargets();

        /**
         * Checks of one batch running at once. Each check opens a few connections to its own
         * server, so this bounds sockets and memory per batch, not the load on any one server.
         */
        @WithDefault("1000")
        int concurrency();

        /** Batches running at once; beyond it, 503 with Retry-After. */
        @WithDefault("4")
        int maxConcurrentBatches();

        /**
         * Servers (host, address, port) a batch remembers so that targets sharing an MX host share
         * its check: the most recently used are kept, 0 checks every target's servers anew. Each is
         * the evidence of one server (tens of KB), so this bounds a batch's extra memory.
         */
        @WithDefault("256")
        int sharedServers();
    }

    interface Cache {
        /**
         * How long a report is served from the cache for the same target and options, so that
         * the service cannot be used to hammer a server. 0 turns the cache off.
         */
        @WithDefault("5m")
        Duration ttl();

        /** A request with fresh=true is refused (429) if the same check finished less than this ago. */
        @WithDefault("60s")
        Duration minFreshInterval();

        /** Reports kept at most; the oldest go first. */
        @WithDefault("2000")
        int maxEntries();
    }

    interface Policy {
        /**
         * Allow loopback, private, link-local and other non-public addresses as targets. UNSAFE on
         * a public deployment: it turns the service into a scanner of the networks it can reach.
         * For tests and labs only.
         */
        @WithDefault("false")
        boolean allowPrivateTargets();

        /**
         * Ports a request may name: SMTP (25), submissions (465), submission (587). Entries are
         * single ports or ranges such as {@code 2500-2599} (labs and tests with ephemeral ports).
         */
        @WithDefault("25,465,587")
        List<String> allowedPorts();
    }

    interface Dns {
        /** DNS servers as {@code host:port}; empty means the servers of the system resolver configuration. */
        Optional<List<String>> servers();

        /** Timeout of one DNS query. */
        @WithDefault("5s")
        Duration queryTimeout();
    }

    interface Limits {
        /** TCP connect timeout. */
        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * Longest wait for the next reply. RFC 5321 §4.5.3.2 gives mail clients minutes; a test
         * waits less, and postscreen's greeting pause (6 s by default) still fits.
         */
        @WithDefault("30s")
        Duration commandTimeout();

        /** Absolute limit for one SMTP connection, however the server paces it. */
        @WithDefault("60s")
        Duration sessionDeadline();

        /** Default deadline of a whole check when the request does not set timeoutSeconds. */
        @WithDefault("90s")
        Duration checkDeadline();

        /** Longest reply line in bytes; RFC 5321 §4.5.3.1.5 allows 512, we tolerate four times that. */
        @WithDefault("2048")
        int maxLineBytes();

        /** Largest multi-line reply in bytes (an EHLO reply is well under 1 KiB). */
        @WithDefault("65536")
        int maxReplyBytes();

        /** Bytes read from one connection before hanging up. */
        @WithDefault("262144")
        long maxBytesPerConnection();

        /** Transcript lines kept per connection. */
        @WithDefault("1000")
        int maxTranscriptLines();

        /**
         * Relay tests (and controls) that may be refused on one connection. Postfix sleeps after 10
         * errors (smtpd_soft_error_limit) and hangs up after 20; 8 stays clear of both.
         */
        @WithDefault("8")
        int maxFailingRcptsPerSession();

        /** Connections open at once to one address, by this check. */
        @WithDefault("4")
        int concurrentDialoguesPerAddress();

        /** Addresses checked at most per request (over all MX hosts); the report says when the cap cut some off. */
        @WithDefault("10")
        int maxAddressesPerCheck();

        /** Checks running at once in this process; beyond it, 503 with Retry-After (never an unbounded queue). */
        @WithDefault("256")
        int maxConcurrentChecks();

        /** Requests per minute from one client address; beyond it, 429 with Retry-After. 0 turns it off. */
        @WithDefault("120")
        int clientRequestsPerMinute();

        /** How often a test whose connection dropped is tried again on a new connection. */
        @WithDefault("1")
        int retriesPerTest();
    }

    interface Probe {
        /** The name we give in EHLO/HELO; set it to a name you own that resolves to this service's address. */
        @WithDefault("relay-check.example.net")
        String heloName();

        /** Our MAIL FROM address (F@PD): a mailbox you own, so a misdirected bounce reaches you. */
        @WithDefault("relay-probe@relay-check.example.net")
        String sender();

        /** Local part of the external recipient (T). */
        @WithDefault("relay-test")
        String recipientLocalPart();

        /** The external domain the relay tests try to reach (D); example.com is reserved (RFC 2606). */
        @WithDefault("example.com")
        String recipientDomain();
    }
}
