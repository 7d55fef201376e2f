package io.relaycheck.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsPtrRecord;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * An in-process authoritative DNS server for tests: UDP and TCP on the same ephemeral port of
 * 127.0.0.1, answering from zone data set up through a fluent API, and recording every query.
 *
 * <p>Unknown names get NXDOMAIN; a name that has some records (or names below it, an "empty
 * non-terminal", RFC 8020) but none of the asked type gets NOERROR with no answers (NODATA).
 * Negative answers carry an SOA in the authority section for RFC 2308 negative caching.
 * {@link #truncate} makes UDP answers for a name empty with TC set so the client must ask again
 * over TCP (RFC 7766); {@link #silent} makes the server ignore queries for a name (timeouts).
 */
public final class FakeDnsServer implements AutoCloseable {

    public enum Transport { UDP, TCP }

    /** A query as received: name lower-case without trailing dot, type mnemonic ("MX"). */
    public record Query(String name, String type, Transport transport) {
    }

    private record Rr(DnsRecordType type, int preference, byte[] address, String target) {
    }

    private final NioEventLoopGroup group;
    private final Channel udp;
    private final Channel tcp;
    private final InetSocketAddress address;

    private final Map<String, List<Rr>> zone = new ConcurrentHashMap<>();
    private final Map<String, String> aliases = new ConcurrentHashMap<>();
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Set<String> nxdomain = ConcurrentHashMap.newKeySet();
    private final Set<String> truncated = ConcurrentHashMap.newKeySet();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Set<String> servfail = ConcurrentHashMap.newKeySet();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private volatile long ttl = 300;
    private volatile long negativeTtl = 60;

    private FakeDnsServer(NioEventLoopGroup group, Channel udp, Channel tcp) {
        this.group = group;
        this.udp = udp;
        this.tcp = tcp;
        this.address = (InetSocketAddress) udp.localAddress();
    }

    /** Binds UDP to an ephemeral port of 127.0.0.1 and TCP to the same port (retrying if it is taken). */
    public static FakeDnsServer start() {
        NioEventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("fake-dns", true));
        FakeDnsServer[] self = new FakeDnsServer[1];
        try {
            for (int tries = 0; tries < 20; tries++) {
                Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .handler(new ChannelInitializer<NioDatagramChannel>() {
                            @Override
                            protected void initChannel(NioDatagramChannel ch) {
                                ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                        new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                                DnsResponse response = self[0].respond(q, Transport.UDP,
                                                        id -> new DatagramDnsResponse(q.recipient(), q.sender(), id));
                                                if (response != null) {
                                                    ctx.writeAndFlush(response);
                                                }
                                            }
                                        });
                            }
                        })
                        .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
                int port = ((InetSocketAddress) udp.localAddress()).getPort();
                try {
                    Channel tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                            .childHandler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel ch) {
                                    ch.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                                            new SimpleChannelInboundHandler<DnsQuery>() {
                                                @Override
                                                protected void channelRead0(ChannelHandlerContext ctx, DnsQuery q) {
                                                    DnsResponse response = self[0].respond(q, Transport.TCP,
                                                            DefaultDnsResponse::new);
                                                    if (response != null) {
                                                        ctx.writeAndFlush(response);
                                                    }
                                                }
                                            });
                                }
                            })
                            .bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
                    self[0] = new FakeDnsServer(group, udp, tcp);
                    return self[0];
                } catch (Exception portTakenOnTcp) {
                    // Netty rethrows the checked BindException as it is, so catch Exception here:
                    // "Address already in use" on TCP means try another port pair.
                    udp.close().syncUninterruptibly();
                }
            }
            throw new IllegalStateException("could not bind UDP and TCP to one port");
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** 127.0.0.1 and the port, UDP and TCP. */
    public InetSocketAddress address() {
        return address;
    }

    // ---------------------------------------------------------------- zone data

    public FakeDnsServer mx(String domain, int preference, String host) {
        return add(domain, new Rr(DnsRecordType.MX, preference, null, host));
    }

    /** RFC 7505: a single MX "0 .". */
    public FakeDnsServer nullMx(String domain) {
        return add(domain, new Rr(DnsRecordType.MX, 0, null, "."));
    }

    public FakeDnsServer a(String host, String ipv4) {
        return add(host, new Rr(DnsRecordType.A, 0, bytes(ipv4, 4), null));
    }

    public FakeDnsServer aaaa(String host, String ipv6) {
        return add(host, new Rr(DnsRecordType.AAAA, 0, bytes(ipv6, 16), null));
    }

    /** A PTR for {@code ip} (in-addr.arpa or ip6.arpa, built like the resolver does). */
    public FakeDnsServer ptr(String ip, String name) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip); // a literal only, never a lookup
        if (address == null) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        return add(DnsNames.reverseName(address), new Rr(DnsRecordType.PTR, 0, null, name));
    }

    /** {@code alias} is a CNAME for {@code target}; followed inside this server's data. */
    public FakeDnsServer cname(String alias, String target) {
        aliases.put(key(alias), key(target));
        return this;
    }

    /** The name exists but has no records of its own: NODATA for every type. */
    public FakeDnsServer exists(String name) {
        declared.add(key(name));
        return this;
    }

    /** NXDOMAIN for the name, whatever was configured for it (also the default for unknown names). */
    public FakeDnsServer nxdomain(String name) {
        nxdomain.add(key(name));
        return this;
    }

    /** UDP answers for the name come back empty with TC set; TCP answers are complete. */
    public FakeDnsServer truncate(String name) {
        truncated.add(key(name));
        return this;
    }

    /** Queries for the name are received (and recorded) but never answered. */
    public FakeDnsServer silent(String name) {
        silent.add(key(name));
        return this;
    }

    /** Queries for the name are answered SERVFAIL. */
    public FakeDnsServer servfail(String name) {
        servfail.add(key(name));
        return this;
    }

    /** TTL of the records served from now on (default 300 s). */
    public FakeDnsServer ttl(long seconds) {
        this.ttl = seconds;
        return this;
    }

    /** SOA TTL and MINIMUM of negative answers served from now on (default 60 s). */
    public FakeDnsServer negativeTtl(long seconds) {
        this.negativeTtl = seconds;
        return this;
    }

    // ---------------------------------------------------------------- what was asked

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    public List<Query> queries(String name) {
        String key = key(name);
        return queries.stream().filter(q -> q.name().equals(key)).toList();
    }

    public void clearQueries() {
        queries.clear();
    }

    @Override
    public void close() {
        udp.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---------------------------------------------------------------- answering (server thread)

    private DnsResponse respond(DnsQuery query, Transport transport, IntFunction<DnsResponse> newResponse) {
        if (query.count(DnsSection.QUESTION) != 1) {
            return null; // RFC 1035 allows more, nobody sends more: not worth a FORMERR here.
        }
        DnsQuestion question = query.recordAt(DnsSection.QUESTION);
        String name = key(question.name());
        DnsRecordType type = question.type();
        queries.add(new Query(name, type.name(), transport));
        if (silent.contains(name)) {
            return null;
        }
        DnsResponse response = newResponse.apply(query.id());
        response.setOpCode(query.opCode());
        response.setRecursionDesired(query.isRecursionDesired());
        response.setRecursionAvailable(true);
        response.setAuthoritativeAnswer(true);
        // Echo the question exactly as asked (case included): clients match answers on it.
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), type));
        if (transport == Transport.UDP && truncated.contains(name)) {
            response.setTruncated(true);
            return response;
        }
        if (servfail.contains(name)) {
            response.setCode(DnsResponseCode.SERVFAIL);
            return response;
        }
        String owner = name;
        for (int hops = 0; hops < 16 && aliases.containsKey(owner) && type != DnsRecordType.CNAME; hops++) {
            String target = aliases.get(owner);
            response.addRecord(DnsSection.ANSWER,
                    new DefaultDnsRawRecord(owner + '.', DnsRecordType.CNAME, ttl, encodeName(target)));
            owner = target;
        }
        if (nxdomain.contains(owner) || !hasData(owner)) {
            response.setCode(DnsResponseCode.NXDOMAIN);
            response.addRecord(DnsSection.AUTHORITY, soa(owner));
            return response;
        }
        for (Rr rr : zone.getOrDefault(owner, List.of())) {
            if (rr.type().equals(type)) {
                response.addRecord(DnsSection.ANSWER, toRecord(owner, rr));
            }
        }
        if (response.count(DnsSection.ANSWER) == 0) {
            response.addRecord(DnsSection.AUTHORITY, soa(owner)); // NODATA
        }
        return response;
    }

    private boolean hasData(String name) {
        if (zone.containsKey(name) || declared.contains(name) || aliases.containsKey(name)) {
            return true;
        }
        String suffix = "." + name;
        return zone.keySet().stream().anyMatch(n -> n.endsWith(suffix))
                || declared.stream().anyMatch(n -> n.endsWith(suffix));
    }

    private DnsRecord toRecord(String owner, Rr rr) {
        String name = owner + '.';
        if (rr.type().equals(DnsRecordType.PTR)) {
            return new DefaultDnsPtrRecord(name, DnsRecord.CLASS_IN, ttl, rr.target() + (rr.target().endsWith(".") ? "" : "."));
        }
        if (rr.type().equals(DnsRecordType.MX)) {
            ByteBuf rdata = Unpooled.buffer();
            rdata.writeShort(rr.preference());
            writeName(rdata, rr.target());
            return new DefaultDnsRawRecord(name, DnsRecordType.MX, ttl, rdata);
        }
        return new DefaultDnsRawRecord(name, rr.type(), ttl, Unpooled.wrappedBuffer(rr.address()));
    }

    /** RFC 1035 §3.3.13 SOA; the resolver only reads TTL and MINIMUM. */
    private DnsRecord soa(String owner) {
        ByteBuf rdata = Unpooled.buffer();
        writeName(rdata, "ns.fake.test");
        writeName(rdata, "hostmaster.fake.test");
        rdata.writeInt(1);      // SERIAL
        rdata.writeInt(3600);   // REFRESH
        rdata.writeInt(600);    // RETRY
        rdata.writeInt(86400);  // EXPIRE
        rdata.writeInt((int) negativeTtl); // MINIMUM
        return new DefaultDnsRawRecord(owner + '.', DnsRecordType.SOA, negativeTtl, rdata);
    }

    /** Uncompressed wire form of a name (RFC 1035 §3.1); "." is the root. */
    private static ByteBuf encodeName(String name) {
        return writeName(Unpooled.buffer(), name);
    }

    private static ByteBuf writeName(ByteBuf out, String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!n.isEmpty()) {
            for (String label : n.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.writeByte(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.writeByte(0);
        return out;
    }

    private FakeDnsServer add(String name, Rr rr) {
        zone.computeIfAbsent(key(name), n -> new CopyOnWriteArrayList<>()).add(rr);
        return this;
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static byte[] bytes(String ip, int length) {
        byte[] raw = NetUtil.createByteArrayFromIpAddressString(ip); // a literal only, never a lookup
        if (raw == null) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        if (raw.length == length) {
            return raw;
        }
        if (length == 16 && raw.length == 4) { // ::ffff:a.b.c.d may come back as IPv4: map it back
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        throw new IllegalArgumentException(ip + " is not an " + (length == 4 ? "IPv4" : "IPv6") + " address");
    }

    /** Records the test set up, for diagnostics. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        zone.forEach((name, rrs) -> rrs.forEach(rr -> lines.add(name + " " + rr.type().name())));
        return "FakeDnsServer" + address + lines;
    }
}
