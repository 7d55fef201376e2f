package io.relaycheck.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.DnsServerAddresses;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FutureListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Non-blocking DNS lookups for the relay check: MX (with RFC 7505 null MX), A+AAAA and PTR, with
 * NXDOMAIN, NODATA and failures kept apart.
 *
 * <h2>How it works</h2>
 * <ul>
 *   <li>Queries go out through Netty's {@link DnsNameResolver#query(InetSocketAddress, DnsQuestion)}
 *       on a private one-thread Netty event loop (daemon thread), so nothing here ever runs on, or
 *       blocks, a Vert.x event loop. We use the raw {@code query} rather than
 *       {@code resolveAll}: only the raw response carries the RCODE, the TTLs and the SOA from which
 *       NXDOMAIN, NODATA and their negative-caching TTL are told apart (RFC 2308).</li>
 *   <li>Truncated UDP answers (TC bit) are retried over TCP to the same server by Netty
 *       (RFC 7766 §5: TCP is a required fallback for truncation); UDP timeouts are not retried
 *       over TCP.</li>
 *   <li>A lookup tries the configured servers in order, wrapping round, for at most
 *       {@code maxQueries} queries in all; only failures are retried elsewhere, an NXDOMAIN or
 *       NOERROR answer is final. With no servers configured, the system configuration is used
 *       (Netty's {@link DnsServerAddressStreamProviders#platformDefault()}: {@code /etc/resolv.conf}
 *       on Unix, including its {@code rotate} option). Netty re-reads that file every 5 minutes,
 *       on our DNS thread (a small file read, never on a Vert.x event loop); and when it finds no
 *       server there it falls back to public resolvers (8.8.8.8, 8.8.4.4), so deployments without a
 *       usable resolv.conf should set the servers explicitly.</li>
 *   <li>Each query uses its own UDP socket and so a fresh random source port
 *       ({@link DnsNameResolverChannelStrategy#ChannelPerResolution}): RFC 5452 §9.2, making
 *       forged answers harder to slip in than with one long-lived socket.</li>
 *   <li>Names are always fully qualified: no search domains, no hosts file. "localhost" names are
 *       answered locally as loopback, without a query (RFC 6761 §6.3).</li>
 *   <li>Results are Vert.x futures completed on the context of the caller (captured at call time).
 *       Work on the DNS thread is confined to it: the cache and the in-flight table need no locks.</li>
 * </ul>
 *
 * <h2>Caching</h2>
 * Netty's own caches ({@code DefaultDnsCache} and friends) only serve its {@code resolve()} family
 * of A/AAAA lookups; raw queries bypass them, and {@code DefaultDnsCache} has no size bound. So
 * they are disabled (the no-op variants) and this class keeps one small LRU map keyed by
 * (name, type) with a size cap, holding positive answers for their TTL (the smallest TTL of the
 * records and any CNAMEs that led to them) and negative answers for the RFC 2308 §5 negative TTL
 * (the smaller of the SOA's TTL and its MINIMUM field; no SOA, no caching). Cache lifetimes are
 * capped at {@link #MAX_CACHE_TTL} so that an operator who fixes a record sees it on the next
 * check. Failures are never cached. Concurrent lookups of the same (name, type) share one query.
 * The TTL reported in results is what is left of the record's TTL.
 */
public final class DnsResolver implements AutoCloseable {

    /** Default number of (name, type) answers kept. */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    /** Longest we keep any answer, whatever its TTL. */
    public static final Duration MAX_CACHE_TTL = Duration.ofMinutes(5);

    /**
     * UDP payload size we advertise in EDNS(0) (RFC 6891): the DNS Flag Day 2020 value that avoids
     * IP fragmentation; anything bigger comes back truncated and is fetched over TCP.
     */
    private static final int EDNS_PAYLOAD_SIZE = 1232;

    /** How many CNAMEs we follow inside one answer before calling it broken (loops included). */
    private static final int MAX_CNAME_CHAIN = 8;

    private final Vertx vertx;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final DnsNameResolver resolver;
    private final DnsServerAddresses configuredServers;
    private final DnsServerAddressStreamProvider systemServers;
    private final int maxQueries;
    private final long queryTimeoutMillis;
    private final int cacheSize;
    private final DnsQueryListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();

    // Confined to the DNS event-loop thread.
    private final Map<Key, Answer> cache;
    private final Map<Key, io.netty.util.concurrent.Promise<Answer>> inflight = new HashMap<>();

    /** A resolver with the default cache size and no query listener. */
    public DnsResolver(Vertx vertx, List<InetSocketAddress> servers, Duration queryTimeout, int maxQueries) {
        this(vertx, servers, queryTimeout, maxQueries, DEFAULT_CACHE_SIZE, DnsQueryListener.NONE);
    }

    /**
     * Creates the resolver and its DNS thread. Call at startup, not on an event loop: with an empty
     * server list this reads the system resolver configuration.
     *
     * @param vertx        whose contexts results are delivered on
     * @param servers      DNS servers to ask, in order, each a resolved address (use port 53 unless
     *                     told otherwise); empty = the system's configured servers
     * @param queryTimeout how long to wait for one answer from one server (a TCP retry after a
     *                     truncated answer gets the same again)
     * @param maxQueries   how many queries one lookup may send in all (1 = no retries); retries go
     *                     to the next server in the list
     * @param cacheSize    how many (name, type) answers to keep; 0 disables the cache
     * @param listener     told about every query sent, e.g. for latency metrics
     */
    public DnsResolver(Vertx vertx, List<InetSocketAddress> servers, Duration queryTimeout, int maxQueries,
                       int cacheSize, DnsQueryListener listener) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        this.listener = Objects.requireNonNull(listener, "listener");
        for (InetSocketAddress server : servers) {
            if (server == null || server.isUnresolved()) {
                // Resolving a DNS server's name would itself need DNS, and would block.
                throw new IllegalArgumentException("DNS servers must be IP addresses: " + server);
            }
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero() || queryTimeout.toMillis() > Integer.MAX_VALUE) {
            // Netty treats a timeout of 0 as "wait for ever".
            throw new IllegalArgumentException("queryTimeout must be positive: " + queryTimeout);
        }
        if (maxQueries < 1) {
            throw new IllegalArgumentException("maxQueries must be at least 1: " + maxQueries);
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must not be negative: " + cacheSize);
        }
        this.maxQueries = maxQueries;
        this.queryTimeoutMillis = Math.max(1, queryTimeout.toMillis());
        this.cacheSize = cacheSize;
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
                return size() > DnsResolver.this.cacheSize;
            }
        };
        if (servers.isEmpty()) {
            this.configuredServers = null;
            this.systemServers = DnsServerAddressStreamProviders.platformDefault();
        } else {
            this.configuredServers = DnsServerAddresses.sequential(servers);
            this.systemServers = null;
        }

        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("relay-check-dns", true));
        this.loop = group.next();
        try {
            this.resolver = new DnsNameResolverBuilder(loop)
                    .datagramChannelType(NioDatagramChannel.class)
                    // TCP only when the UDP answer is truncated (retryOnTimeout = false).
                    .socketChannelType(NioSocketChannel.class, false)
                    .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolution)
                    .queryTimeoutMillis(queryTimeoutMillis)
                    .maxQueriesPerResolve(maxQueries)
                    .maxPayloadSize(EDNS_PAYLOAD_SIZE)
                    .recursionDesired(true)
                    .nameServerProvider(servers.isEmpty()
                            ? systemServers
                            : new SequentialDnsServerAddressStreamProvider(servers))
                    .searchDomains(List.of())
                    .ndots(1)
                    .resolveCache(NoopDnsCache.INSTANCE)
                    .cnameCache(NoopDnsCnameCache.INSTANCE)
                    .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                    .build();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * The MX records of {@code domain} (RFC 5321 §5.1). A failed future carries a
     * {@link DnsFailure}: {@link DnsFailure.Kind#TIMEOUT}, {@code SERVER_FAILURE}, … or
     * {@code INVALID_NAME} for a name that cannot be a domain.
     */
    public Future<MxLookup> mx(String domain) {
        String name;
        try {
            name = DnsNames.normalize(domain);
        } catch (IllegalArgumentException e) {
            return invalid(domain, DnsRecordType.MX, e);
        }
        if (DnsNames.isLocalhost(name)) {
            // RFC 6761 §6.3: negative answers for everything but addresses.
            return submit(() -> loop.newSucceededFuture(new MxLookup.NxDomain(name, Duration.ZERO)));
        }
        return submit(() -> map(lookup(name, DnsRecordType.MX), answer -> toMx(name, answer)));
    }

    /**
     * The A and AAAA records of {@code host}, queried in parallel. An IP literal ({@code 192.0.2.1},
     * {@code 2001:db8::1}, {@code [2001:db8::1]}) is returned as it is, without a query. The future
     * fails with a {@link DnsFailure} only when neither family gave an answer that settles the
     * question (see {@link AddressLookup#partialFailures()} for the half-failed case).
     */
    public Future<AddressLookup> addresses(String host) {
        InetAddress literal = literal(host);
        if (literal != null) {
            AddressLookup result = new AddressLookup(host.strip(), AddressLookup.Status.FOUND, List.of(literal),
                    Duration.ZERO, List.of());
            return submit(() -> loop.newSucceededFuture(result));
        }
        String name;
        try {
            name = DnsNames.normalize(host);
        } catch (IllegalArgumentException e) {
            return invalid(host, DnsRecordType.A, e);
        }
        if (DnsNames.isLocalhost(name)) {
            AddressLookup result = new AddressLookup(name, AddressLookup.Status.FOUND,
                    List.of(address(name, NetUtil.LOCALHOST4.getAddress()),
                            address(name, NetUtil.LOCALHOST6.getAddress())),
                    Duration.ZERO, List.of());
            return submit(() -> loop.newSucceededFuture(result));
        }
        return submit(() -> {
            io.netty.util.concurrent.Future<Answer> v4 = lookup(name, DnsRecordType.A);
            io.netty.util.concurrent.Future<Answer> v6 = lookup(name, DnsRecordType.AAAA);
            io.netty.util.concurrent.Promise<AddressLookup> both = loop.newPromise();
            FutureListener<Answer> whenBoth = ignored -> {
                // Both listeners run on the DNS thread; the second one to see both done completes.
                if (v4.isDone() && v6.isDone() && !both.isDone()) {
                    try {
                        both.trySuccess(combine(name, v4, v6));
                    } catch (RuntimeException e) {
                        both.tryFailure(e);
                    }
                }
            };
            v4.addListener(whenBoth);
            v6.addListener(whenBoth);
            return both;
        });
    }

    /**
     * The PTR names of {@code address} (lower-case, no trailing dot), in answer order; empty when
     * there are none (NXDOMAIN or NODATA, RFC 1035 §3.5, RFC 3596 §2.5). Fails with a
     * {@link DnsFailure} when the question could not be answered.
     */
    public Future<List<String>> ptr(InetAddress address) {
        if (address == null) {
            return invalid(null, DnsRecordType.PTR, new IllegalArgumentException("address is null"));
        }
        String name = DnsNames.reverseName(address);
        return submit(() -> map(lookup(name, DnsRecordType.PTR), answer -> answer.status() == Status.RECORDS
                ? answer.data().stream().map(String.class::cast).distinct().toList()
                : List.of()));
    }

    /**
     * Stops the DNS thread without waiting for it. Lookups still running fail with
     * {@link DnsFailure.Kind#CLOSED}, as do later calls. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.execute(() -> {
                for (Map.Entry<Key, io.netty.util.concurrent.Promise<Answer>> entry : List.copyOf(inflight.entrySet())) {
                    entry.getValue().tryFailure(closedFailure(entry.getKey().name(), entry.getKey().type().name()));
                }
                inflight.clear();
                cache.clear();
                resolver.close();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            });
        } catch (RejectedExecutionException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- plumbing: threads and futures

    /**
     * Runs {@code work} on the DNS thread and completes the returned future on the caller's
     * context. Every result, even one known up front, takes this path so callbacks always run on
     * that context and never inside the call.
     */
    private <T> Future<T> submit(Supplier<io.netty.util.concurrent.Future<T>> work) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        Runnable task = () -> {
            io.netty.util.concurrent.Future<T> result;
            if (closed.get()) {
                result = loop.newFailedFuture(closedFailure(null, null));
            } else {
                try {
                    result = work.get();
                } catch (RuntimeException e) {
                    result = loop.newFailedFuture(e);
                }
            }
            result.addListener((FutureListener<T>) done -> {
                if (done.isSuccess()) {
                    T value = done.getNow();
                    context.runOnContext(v -> promise.complete(value));
                } else {
                    Throwable cause = done.cause();
                    context.runOnContext(v -> promise.fail(cause));
                }
            });
        };
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            context.runOnContext(v -> promise.fail(closedFailure(null, null)));
        }
        return promise.future();
    }

    private <T> Future<T> invalid(String input, DnsRecordType type, IllegalArgumentException e) {
        DnsFailure failure = new DnsFailure(DnsFailure.Kind.INVALID_NAME, input, type.name(),
                "not a valid name '" + input + "': " + e.getMessage());
        return submit(() -> loop.newFailedFuture(failure));
    }

    /** Maps a future on the DNS thread; an exception thrown by {@code f} fails the result. */
    private <A, B> io.netty.util.concurrent.Future<B> map(io.netty.util.concurrent.Future<A> source, Function<A, B> f) {
        io.netty.util.concurrent.Promise<B> target = loop.newPromise();
        source.addListener((FutureListener<A>) done -> {
            if (!done.isSuccess()) {
                target.tryFailure(done.cause());
                return;
            }
            try {
                target.trySuccess(f.apply(done.getNow()));
            } catch (RuntimeException e) {
                target.tryFailure(e);
            }
        });
        return target;
    }

    private DnsFailure closedFailure(String name, String type) {
        return new DnsFailure(DnsFailure.Kind.CLOSED, name, type, "DNS resolver closed");
    }

    // ---------------------------------------------------------------- lookups (DNS thread only)

    private io.netty.util.concurrent.Future<Answer> lookup(String name, DnsRecordType type) {
        Key key = new Key(name, type);
        Answer hit = cached(key, System.nanoTime());
        if (hit != null) {
            return loop.newSucceededFuture(hit);
        }
        io.netty.util.concurrent.Promise<Answer> running = inflight.get(key);
        if (running != null) {
            return running;
        }
        io.netty.util.concurrent.Promise<Answer> promise = loop.newPromise();
        inflight.put(key, promise);
        promise.addListener(done -> inflight.remove(key, promise));
        DnsServerAddressStream servers = configuredServers != null
                ? configuredServers.stream()
                : systemServers.nameServerAddressStream(name);
        send(key, servers, 1, null, promise);
        return promise;
    }

    /** Sends attempt number {@code attempt} of the lookup {@code key} to the next server. */
    private void send(Key key, DnsServerAddressStream servers, int attempt, DnsFailure earlier,
                      io.netty.util.concurrent.Promise<Answer> promise) {
        if (promise.isDone()) {
            return; // closed meanwhile
        }
        InetSocketAddress server = servers.next();
        // The trailing dot makes the name absolute, so nothing appends search domains to it.
        DnsQuestion question = new DefaultDnsQuestion(key.name() + '.', key.type());
        long start = System.nanoTime();
        io.netty.util.concurrent.Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query;
        try {
            query = resolver.query(server, question);
        } catch (RuntimeException e) {
            query = loop.newFailedFuture(e);
        }
        query.addListener((FutureListener<AddressedEnvelope<DnsResponse, InetSocketAddress>>) done -> {
            long elapsed = System.nanoTime() - start;
            Object outcome;
            if (done.isSuccess()) {
                AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = done.getNow();
                try {
                    outcome = interpret(key, envelope.content());
                } finally {
                    envelope.release(); // the response is reference-counted: ours to release
                }
            } else {
                outcome = transportFailure(key, server, done.cause());
            }
            report(key, server, outcome, elapsed);
            if (outcome instanceof Answer answer) {
                store(key, answer);
                promise.trySuccess(answer);
                return;
            }
            DnsFailure failure = moreTelling(earlier, (DnsFailure) outcome);
            if (attempt < maxQueries && !closed.get()) {
                send(key, servers, attempt + 1, failure, promise);
            } else {
                promise.tryFailure(failure);
            }
        });
    }

    /** An {@link Answer} for NOERROR and NXDOMAIN, a {@link DnsFailure} for anything to retry elsewhere. */
    private Object interpret(Key key, DnsResponse response) {
        long now = System.nanoTime();
        String type = key.type().name();
        if (response.isTruncated()) {
            // Netty retries a truncated answer over TCP itself; seeing TC here means that retry was
            // impossible. A truncated answer may lack records, so it is not an answer (RFC 2181 §9).
            return new DnsFailure(DnsFailure.Kind.TRUNCATED, key.name(), type,
                    "truncated answer and the TCP retry failed");
        }
        int rcode = response.code().intValue();
        if (rcode == DnsResponseCode.NXDOMAIN.intValue()) {
            return new Answer(Status.NX_DOMAIN, List.of(), negativeTtl(response), now);
        }
        if (rcode != DnsResponseCode.NOERROR.intValue()) {
            DnsFailure.Kind kind = rcode == DnsResponseCode.SERVFAIL.intValue() ? DnsFailure.Kind.SERVER_FAILURE
                    : rcode == DnsResponseCode.REFUSED.intValue() ? DnsFailure.Kind.REFUSED
                    : DnsFailure.Kind.BAD_RESPONSE;
            return new DnsFailure(kind, key.name(), type, "server answered " + response.code());
        }
        try {
            // A recursive server answers with the CNAME chain followed by the records at its end
            // (RFC 1034 §3.6.2); RFC 5321 §5.1 says to use the records of the canonical name.
            Map<String, String> aliases = new HashMap<>();
            Map<String, Long> aliasTtls = new HashMap<>();
            Map<String, List<Object>> records = new HashMap<>();
            Map<String, Long> recordTtls = new HashMap<>();
            for (int i = 0, n = response.count(DnsSection.ANSWER); i < n; i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (record.dnsClass() != DnsRecord.CLASS_IN) {
                    continue;
                }
                String owner = DnsNames.fromWire(record.name());
                if (DnsRecordType.CNAME.equals(record.type()) && record instanceof DnsRawRecord raw) {
                    // Netty hands CNAME data over already decompressed (RFC 1035 §4.1.4).
                    aliases.put(owner, DnsNames.fromWire(DefaultDnsRecordDecoder.decodeName(raw.content().duplicate())));
                    aliasTtls.merge(owner, ttl(record), Math::min);
                } else if (key.type().equals(record.type())) {
                    records.computeIfAbsent(owner, o -> new ArrayList<>()).add(decode(key, record));
                    recordTtls.merge(owner, ttl(record), Math::min);
                }
            }
            String owner = key.name();
            long ttl = Long.MAX_VALUE;
            for (int hops = 0; ; hops++) {
                List<Object> found = records.get(owner);
                if (found != null) {
                    return new Answer(Status.RECORDS, List.copyOf(found), Math.min(ttl, recordTtls.get(owner)), now);
                }
                String target = aliases.get(owner);
                if (target == null) {
                    break;
                }
                if (hops == MAX_CNAME_CHAIN) {
                    return new DnsFailure(DnsFailure.Kind.BAD_RESPONSE, key.name(), type,
                            "CNAME chain longer than " + MAX_CNAME_CHAIN + " (or a loop)");
                }
                ttl = Math.min(ttl, aliasTtls.get(owner));
                owner = target;
            }
            // NOERROR and nothing of the type asked for: NODATA (RFC 2308 §2.2).
            return new Answer(Status.NO_DATA, List.of(), negativeTtl(response), now);
        } catch (RuntimeException e) {
            return new DnsFailure(DnsFailure.Kind.BAD_RESPONSE, key.name(), type,
                    "undecodable answer: " + e.getMessage(), e);
        }
    }

    /** The record's data as MxRecord, InetAddress or String; throws on malformed data. */
    private static Object decode(Key key, DnsRecord record) {
        if (DnsRecordType.PTR.equals(key.type())) {
            if (record instanceof DnsPtrRecord ptr) {
                return DnsNames.fromWire(ptr.hostname());
            }
            throw new IllegalStateException("PTR record without a name");
        }
        if (!(record instanceof DnsRawRecord raw)) {
            throw new IllegalStateException("unexpected record " + record);
        }
        ByteBuf content = raw.content();
        if (DnsRecordType.MX.equals(key.type())) {
            // RFC 1035 §3.3.9: 16-bit PREFERENCE, then EXCHANGE (Netty has decompressed the name).
            if (content.readableBytes() < 3) {
                throw new IllegalStateException("MX record too short");
            }
            int preference = content.getUnsignedShort(content.readerIndex());
            String exchange = DefaultDnsRecordDecoder.decodeName(content.duplicate().skipBytes(2));
            return new MxRecord(preference, DnsNames.fromWire(exchange));
        }
        int expected = DnsRecordType.A.equals(key.type()) ? 4 : 16;
        if (content.readableBytes() != expected) {
            throw new IllegalStateException(key.type().name() + " record of " + content.readableBytes() + " bytes");
        }
        return address(key.name(), ByteBufUtil.getBytes(content));
    }

    /**
     * An InetAddress that carries {@code host} as its name, so getHostName() never does a reverse
     * lookup. Note: an IPv4-mapped AAAA ({@code ::ffff:a.b.c.d}) comes out as the Inet4Address it
     * maps to, which is where a connection to it would go.
     */
    private static InetAddress address(String host, byte[] bytes) {
        try {
            return InetAddress.getByAddress(host, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bad address length " + bytes.length, e);
        }
    }

    /**
     * RFC 2308 §5: a negative answer may be cached for the smaller of the SOA record's own TTL and
     * its MINIMUM field; without an SOA in the authority section it should not be cached at all.
     */
    private static long negativeTtl(DnsResponse response) {
        long best = -1;
        for (int i = 0, n = response.count(DnsSection.AUTHORITY); i < n; i++) {
            DnsRecord record = response.recordAt(DnsSection.AUTHORITY, i);
            if (DnsRecordType.SOA.equals(record.type()) && record instanceof DnsRawRecord raw
                    && raw.content().readableBytes() >= 22) {
                // MINIMUM is the last 32 bits of the SOA RDATA (RFC 1035 §3.3.13), after two names
                // that may be compressed, so read it from the end rather than parse the names.
                ByteBuf content = raw.content();
                long minimum = clampTtl(content.getUnsignedInt(content.writerIndex() - 4));
                long ttl = Math.min(ttl(record), minimum);
                best = best < 0 ? ttl : Math.min(best, ttl);
            }
        }
        return Math.max(best, 0);
    }

    private static long ttl(DnsRecord record) {
        return clampTtl(record.timeToLive());
    }

    /** RFC 2181 §8: a TTL with the top bit set is to be treated as zero. */
    private static long clampTtl(long ttl) {
        return ttl < 0 || ttl > Integer.MAX_VALUE ? 0 : ttl;
    }

    private DnsFailure transportFailure(Key key, InetSocketAddress server, Throwable cause) {
        String type = key.type().name();
        if (closed.get()) {
            return closedFailure(key.name(), type);
        }
        if (cause instanceof DnsNameResolverTimeoutException
                || cause.getCause() instanceof DnsNameResolverTimeoutException) {
            return new DnsFailure(DnsFailure.Kind.TIMEOUT, key.name(), type,
                    "no answer from " + server + " within " + queryTimeoutMillis + " ms");
        }
        return new DnsFailure(DnsFailure.Kind.NETWORK, key.name(), type,
                "query to " + server + " failed: " + cause.getMessage(), cause);
    }

    /** After several failed attempts, report a timeout only if nothing said more than that. */
    private static DnsFailure moreTelling(DnsFailure earlier, DnsFailure latest) {
        if (earlier != null && latest.kind() == DnsFailure.Kind.TIMEOUT && earlier.kind() != DnsFailure.Kind.TIMEOUT) {
            return earlier;
        }
        return latest;
    }

    private void report(Key key, InetSocketAddress server, Object outcome, long elapsedNanos) {
        DnsQueryEvent.Outcome what;
        if (outcome instanceof Answer answer) {
            what = switch (answer.status()) {
                case RECORDS -> DnsQueryEvent.Outcome.ANSWER;
                case NO_DATA -> DnsQueryEvent.Outcome.NO_DATA;
                case NX_DOMAIN -> DnsQueryEvent.Outcome.NX_DOMAIN;
            };
        } else {
            what = switch (((DnsFailure) outcome).kind()) {
                case TIMEOUT -> DnsQueryEvent.Outcome.TIMEOUT;
                case SERVER_FAILURE -> DnsQueryEvent.Outcome.SERVER_FAILURE;
                case REFUSED -> DnsQueryEvent.Outcome.REFUSED;
                case BAD_RESPONSE -> DnsQueryEvent.Outcome.BAD_RESPONSE;
                case TRUNCATED -> DnsQueryEvent.Outcome.TRUNCATED;
                case NETWORK, INVALID_NAME, CLOSED -> DnsQueryEvent.Outcome.NETWORK;
            };
        }
        try {
            listener.onQuery(new DnsQueryEvent(key.name(), key.type().name(), server, what, elapsedNanos));
        } catch (RuntimeException ignored) {
            // A metrics hook must not be able to break resolution.
        }
    }

    // ---------------------------------------------------------------- cache (DNS thread only)

    private Answer cached(Key key, long now) {
        Answer answer = cache.get(key);
        if (answer == null) {
            return null;
        }
        long lifetimeNanos = TimeUnit.SECONDS.toNanos(Math.min(answer.ttlSeconds(), MAX_CACHE_TTL.toSeconds()));
        if (now - answer.receivedNanos() >= lifetimeNanos) {
            cache.remove(key);
            return null;
        }
        return answer;
    }

    private void store(Key key, Answer answer) {
        if (cacheSize > 0 && answer.ttlSeconds() > 0) {
            cache.put(key, answer);
        }
    }

    // ---------------------------------------------------------------- building results

    private static MxLookup toMx(String domain, Answer answer) {
        Duration ttl = answer.remainingTtl(System.nanoTime());
        return switch (answer.status()) {
            case NX_DOMAIN -> new MxLookup.NxDomain(domain, ttl);
            case NO_DATA -> new MxLookup.NoRecords(domain, ttl);
            case RECORDS -> {
                List<MxRecord> usable = answer.data().stream()
                        .map(MxRecord.class::cast)
                        .filter(record -> !record.isRoot())
                        .distinct()
                        .sorted()
                        .toList();
                // RFC 7505 §3: a null MX is a single "0 ." record, and a domain that has one must
                // have no other MX. We read "only root exchanges" as null MX whatever the
                // preference, and drop a stray root exchange next to real ones (nothing can be
                // delivered to the root; the other hosts are still where mail goes).
                yield usable.isEmpty() ? new MxLookup.NullMx(domain, ttl) : new MxLookup.Mx(domain, usable, ttl);
            }
        };
    }

    private static AddressLookup combine(String host, io.netty.util.concurrent.Future<Answer> v4,
                                         io.netty.util.concurrent.Future<Answer> v6) {
        long now = System.nanoTime();
        List<InetAddress> addresses = new ArrayList<>();
        List<DnsFailure> failures = new ArrayList<>();
        long positiveTtl = Long.MAX_VALUE;
        long negativeTtl = Long.MAX_VALUE;
        boolean noData = false;
        boolean nxDomain = false;
        for (io.netty.util.concurrent.Future<Answer> family : List.of(v4, v6)) {
            if (!family.isSuccess()) {
                Throwable cause = family.cause();
                failures.add(cause instanceof DnsFailure failure ? failure
                        : new DnsFailure(DnsFailure.Kind.NETWORK, host, family == v4 ? "A" : "AAAA",
                        String.valueOf(cause.getMessage()), cause));
                continue;
            }
            Answer answer = family.getNow();
            long ttl = answer.remainingTtl(now).toSeconds();
            switch (answer.status()) {
                case RECORDS -> {
                    answer.data().stream().map(InetAddress.class::cast)
                            .filter(a -> !addresses.contains(a)).forEach(addresses::add);
                    positiveTtl = Math.min(positiveTtl, ttl);
                }
                case NO_DATA -> {
                    noData = true;
                    negativeTtl = Math.min(negativeTtl, ttl);
                }
                case NX_DOMAIN -> {
                    nxDomain = true;
                    negativeTtl = Math.min(negativeTtl, ttl);
                }
            }
        }
        if (!addresses.isEmpty()) {
            return new AddressLookup(host, AddressLookup.Status.FOUND, addresses, Duration.ofSeconds(positiveTtl),
                    failures);
        }
        if (!failures.isEmpty()) {
            if (nxDomain) {
                // NXDOMAIN is about the name, not the type: no record of any type exists there.
                return new AddressLookup(host, AddressLookup.Status.NX_DOMAIN, List.of(),
                        Duration.ofSeconds(negativeTtl), failures);
            }
            // One family NODATA, the other unknown: we cannot say the host has no address.
            throw failures.get(0);
        }
        // A NOERROR for either family means the name exists (RFC 8020): NODATA wins over NXDOMAIN.
        return new AddressLookup(host, noData ? AddressLookup.Status.NO_RECORDS : AddressLookup.Status.NX_DOMAIN,
                List.of(), Duration.ofSeconds(negativeTtl), List.of());
    }

    /** An IPv4 or IPv6 literal (IPv6 optionally in brackets), without any lookup; else null. */
    private static InetAddress literal(String host) {
        if (host == null) {
            return null;
        }
        String text = host.strip();
        if (text.length() > 2 && text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
            if (!NetUtil.isValidIpV6Address(text)) {
                return null;
            }
        } else if (!NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        return bytes == null ? null : address(text, bytes);
    }

    // ---------------------------------------------------------------- internal types

    private record Key(String name, DnsRecordType type) {
    }

    private enum Status { RECORDS, NO_DATA, NX_DOMAIN }

    /**
     * A definitive answer from one server: records (MxRecord, InetAddress or String, by type), or a
     * negative answer; with its TTL in seconds and when it arrived.
     */
    private record Answer(Status status, List<Object> data, long ttlSeconds, long receivedNanos) {
        Duration remainingTtl(long now) {
            long ageSeconds = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, now - receivedNanos));
            return Duration.ofSeconds(Math.max(0, ttlSeconds - ageSeconds));
        }
    }
}
