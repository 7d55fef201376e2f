package io.relaycheck.dns;

import io.relaycheck.dns.FakeDnsServer.Query;
import io.relaycheck.dns.FakeDnsServer.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DnsResolver} against {@link FakeDnsServer} on 127.0.0.1 only; no other DNS server is ever asked. */
class DnsResolverTest {

    private static final Duration QUERY_TIMEOUT = Duration.ofMillis(300);
    private static final int MAX_QUERIES = 2;

    private Vertx vertx;
    private FakeDnsServer dns;
    private DnsResolver resolver;
    private final List<DnsQueryEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        dns = FakeDnsServer.start();
        resolver = new DnsResolver(vertx, List.of(dns.address()), QUERY_TIMEOUT, MAX_QUERIES, 100, events::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (resolver != null) {
            resolver.close();
        }
        if (dns != null) {
            dns.close();
        }
        await(vertx.close());
    }

    // ---------------------------------------------------------------- MX

    @Test
    void mxRecordsAreSortedByPreferenceThenName() throws Exception {
        dns.mx("example.test", 20, "mx2.example.test")
                .mx("example.test", 10, "mx-b.example.test")
                .mx("example.test", 30, "MX3.Example.Test.")
                .mx("example.test", 10, "mx-a.example.test");

        MxLookup lookup = await(resolver.mx("Example.Test."));

        MxLookup.Mx mx = assertInstanceOf(MxLookup.Mx.class, lookup);
        assertEquals("example.test", mx.domain());
        assertEquals(List.of(
                new MxRecord(10, "mx-a.example.test"),
                new MxRecord(10, "mx-b.example.test"),
                new MxRecord(20, "mx2.example.test"),
                new MxRecord(30, "mx3.example.test")), mx.records());
        assertTrue(mx.ttl().compareTo(Duration.ofSeconds(290)) > 0 && mx.ttl().compareTo(Duration.ofSeconds(300)) <= 0,
                "TTL from the records: " + mx.ttl());
    }

    @Test
    void nullMxIsDetected() throws Exception {
        dns.nullMx("nomail.test").a("nomail.test", "127.0.0.1");

        MxLookup lookup = await(resolver.mx("nomail.test"));

        assertInstanceOf(MxLookup.NullMx.class, lookup);
    }

    @Test
    void noMxRecordsIsNoDataAndUnknownNameIsNxDomain() throws Exception {
        dns.a("nomx.test", "127.0.0.1").nxdomain("gone.test").negativeTtl(42);

        MxLookup noMx = await(resolver.mx("nomx.test"));
        MxLookup unknown = await(resolver.mx("unknown.test"));
        MxLookup gone = await(resolver.mx("gone.test"));

        MxLookup.NoRecords noRecords = assertInstanceOf(MxLookup.NoRecords.class, noMx);
        assertEquals(Duration.ofSeconds(42), noRecords.ttl(), "RFC 2308 negative TTL from the SOA");
        assertInstanceOf(MxLookup.NxDomain.class, unknown);
        assertInstanceOf(MxLookup.NxDomain.class, gone);
    }

    @Test
    void emptyNonTerminalIsNoDataNotNxDomain() throws Exception {
        dns.a("host.parent.test", "127.0.0.1");

        assertInstanceOf(MxLookup.NoRecords.class, await(resolver.mx("parent.test")));
    }

    @Test
    void cnameChainIsFollowed() throws Exception {
        dns.cname("alias.test", "real.test").mx("real.test", 5, "mx.real.test");

        MxLookup.Mx mx = assertInstanceOf(MxLookup.Mx.class, await(resolver.mx("alias.test")));

        assertEquals(List.of(new MxRecord(5, "mx.real.test")), mx.records());
        assertEquals("alias.test", mx.domain());
    }

    // ---------------------------------------------------------------- A / AAAA

    @Test
    void addressesReturnIpv4ThenIpv6() throws Exception {
        dns.aaaa("mx.example.test", "::1")
                .a("mx.example.test", "127.0.0.1")
                .a("mx.example.test", "127.0.0.2");

        AddressLookup lookup = await(resolver.addresses("mx.example.test"));

        assertEquals(AddressLookup.Status.FOUND, lookup.status());
        assertEquals(List.of(ip("127.0.0.1"), ip("127.0.0.2"), ip("::1")), lookup.addresses());
        assertEquals("mx.example.test", lookup.addresses().get(0).getHostName(), "named: no reverse lookup");
        assertTrue(lookup.complete());
        assertEquals(List.of("A", "AAAA"), dns.queries("mx.example.test").stream().map(Query::type).sorted().toList());
    }

    @Test
    void addressesDistinguishNoRecordsFromNxDomain() throws Exception {
        dns.aaaa("v6only.test", "::1").mx("mailonly.test", 10, "mx.elsewhere.test");

        AddressLookup v6only = await(resolver.addresses("v6only.test"));
        AddressLookup noAddresses = await(resolver.addresses("mailonly.test"));
        AddressLookup missing = await(resolver.addresses("missing.test"));

        assertEquals(List.of(ip("::1")), v6only.addresses());
        assertEquals(AddressLookup.Status.NO_RECORDS, noAddresses.status());
        assertTrue(noAddresses.addresses().isEmpty());
        assertEquals(AddressLookup.Status.NX_DOMAIN, missing.status());
    }

    @Test
    void ipLiteralsAndLocalhostAreAnsweredWithoutQueries() throws Exception {
        assertEquals(List.of(ip("127.0.0.9")), await(resolver.addresses("127.0.0.9")).addresses());
        assertEquals(List.of(ip("::1")), await(resolver.addresses("[::1]")).addresses());
        assertEquals(List.of(ip("127.0.0.1"), ip("::1")), await(resolver.addresses("localhost")).addresses());

        assertEquals(List.of(), dns.queries());
    }

    // ---------------------------------------------------------------- PTR

    @Test
    void ptrNamesForIpv4AndIpv6() throws Exception {
        dns.ptr("127.0.0.2", "Mail.Example.Test.").ptr("::1", "v6.example.test");

        assertEquals(List.of("mail.example.test"), await(resolver.ptr(ip("127.0.0.2"))));
        assertEquals(List.of("v6.example.test"), await(resolver.ptr(ip("::1"))));
        assertEquals(List.of(), await(resolver.ptr(ip("127.0.0.3"))), "no PTR: empty, not a failure");
        assertEquals(1, dns.queries("2.0.0.127.in-addr.arpa").size());
        assertEquals(1, dns.queries("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa").size());
    }

    // ---------------------------------------------------------------- failures and transports

    @Test
    void silentServerTimesOut() throws Exception {
        dns.silent("slow.test");

        DnsFailure failure = awaitFailure(resolver.mx("slow.test"));

        assertEquals(DnsFailure.Kind.TIMEOUT, failure.kind());
        assertEquals("MX", failure.type());
        assertEquals(MAX_QUERIES, dns.queries("slow.test").size(), "one query per allowed attempt");
        assertTrue(events.stream().allMatch(e -> e.outcome() == DnsQueryEvent.Outcome.TIMEOUT), events::toString);
    }

    @Test
    void servfailIsAFailureNotANegativeAnswer() throws Exception {
        dns.servfail("broken.test");

        DnsFailure failure = awaitFailure(resolver.mx("broken.test"));

        assertEquals(DnsFailure.Kind.SERVER_FAILURE, failure.kind());
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
        dns.mx("big.test", 10, "mx.big.test").truncate("big.test");

        MxLookup.Mx mx = assertInstanceOf(MxLookup.Mx.class, await(resolver.mx("big.test")));

        assertEquals(List.of(new MxRecord(10, "mx.big.test")), mx.records());
        assertEquals(List.of(new Query("big.test", "MX", Transport.UDP), new Query("big.test", "MX", Transport.TCP)),
                dns.queries("big.test"));
    }

    @Test
    void failedQueryIsRetriedOnTheNextServer() throws Exception {
        try (FakeDnsServer second = FakeDnsServer.start()) {
            dns.silent("example.test");
            second.mx("example.test", 10, "mx.example.test");
            resolver.close();
            resolver = new DnsResolver(vertx, List.of(dns.address(), second.address()), QUERY_TIMEOUT, 2);

            MxLookup lookup = await(resolver.mx("example.test"));

            assertInstanceOf(MxLookup.Mx.class, lookup);
            assertEquals(1, dns.queries("example.test").size());
            assertEquals(1, second.queries("example.test").size());
        }
    }

    @Test
    void invalidNamesFailWithoutQueries() {
        assertEquals(DnsFailure.Kind.INVALID_NAME, awaitFailure(resolver.mx("bad..name")).kind());
        assertEquals(DnsFailure.Kind.INVALID_NAME, awaitFailure(resolver.addresses("a".repeat(64) + ".test")).kind());
        assertEquals(DnsFailure.Kind.INVALID_NAME, awaitFailure(resolver.mx("spa ce.test")).kind());
        assertEquals(List.of(), dns.queries());
    }

    // ---------------------------------------------------------------- cache, context, lifecycle

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        dns.mx("example.test", 10, "mx.example.test");

        await(resolver.mx("example.test"));
        await(resolver.mx("example.test"));
        await(resolver.mx("unknown.test"));
        await(resolver.mx("unknown.test"));

        assertEquals(1, dns.queries("example.test").size());
        assertEquals(1, dns.queries("unknown.test").size(), "negative answers are cached too (RFC 2308)");
    }

    @Test
    void zeroTtlAnswersAreNotCached() throws Exception {
        dns.ttl(0).mx("example.test", 10, "mx.example.test");

        await(resolver.mx("example.test"));
        await(resolver.mx("example.test"));

        assertEquals(2, dns.queries("example.test").size());
    }

    @Test
    void resultsArriveOnTheCallersContext() throws Exception {
        dns.mx("example.test", 10, "mx.example.test").a("mx.example.test", "127.0.0.1").silent("slow.test");
        Context context = vertx.getOrCreateContext();

        assertSame(context, contextOfCallback(context, () -> resolver.mx("example.test")));
        assertSame(context, contextOfCallback(context, () -> resolver.mx("example.test")), "cache hit");
        assertSame(context, contextOfCallback(context, () -> resolver.addresses("mx.example.test")));
        assertSame(context, contextOfCallback(context, () -> resolver.ptr(ip("127.0.0.1"))));
        assertSame(context, contextOfCallback(context, () -> resolver.mx("slow.test")), "failure");
        assertSame(context, contextOfCallback(context, () -> resolver.mx("bad..name")), "invalid input");
    }

    @Test
    void listenerSeesEveryQueryWithItsLatency() throws Exception {
        dns.mx("example.test", 10, "mx.example.test");

        await(resolver.mx("example.test"));
        await(resolver.mx("example.test")); // cached: no second event

        assertEquals(1, events.size());
        DnsQueryEvent event = events.get(0);
        assertEquals("example.test", event.name());
        assertEquals("MX", event.type());
        assertEquals(dns.address(), event.server());
        assertEquals(DnsQueryEvent.Outcome.ANSWER, event.outcome());
        assertFalse(event.elapsed().isNegative());
    }

    @Test
    void closedResolverFailsLookups() {
        resolver.close();

        assertEquals(DnsFailure.Kind.CLOSED, awaitFailure(resolver.mx("example.test")).kind());
    }

    @Test
    void unresolvedServerAddressesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DnsResolver(vertx,
                List.of(InetSocketAddress.createUnresolved("dns.example.test", 53)), QUERY_TIMEOUT, 1));
    }

    // ---------------------------------------------------------------- helpers

    /** Calls {@code call} on {@code context} and returns the context its completion callback ran on. */
    private static Context contextOfCallback(Context context, Supplier<Future<?>> call) throws Exception {
        CompletableFuture<Context> seen = new CompletableFuture<>();
        context.runOnContext(v -> call.get().onComplete(ar -> seen.complete(Vertx.currentContext())));
        Context callbackContext = seen.get(5, SECONDS);
        assertNotNull(callbackContext, "callback ran outside any Vert.x context");
        return callbackContext;
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
    }

    private static DnsFailure awaitFailure(Future<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
        return assertInstanceOf(DnsFailure.class, e.getCause());
    }

    /** An IP literal; never a lookup. */
    private static InetAddress ip(String literal) {
        InetAddress address = io.netty.util.NetUtil.createInetAddressFromIpAddressString(literal);
        if (address == null) {
            throw new IllegalArgumentException(literal);
        }
        return address;
    }
}
