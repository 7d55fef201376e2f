package io.relaycheck.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RelayBatteryTest {

    private static ProbeContext context(String address) throws Exception {
        return new ProbeContext("probe", "sender.example", "victim", "example.com", "mx.target.example",
                InetAddress.getByName(address), "target.example");
    }

    @Test
    void hasTwentySixVariantsWithUniqueIds() {
        assertEquals(26, RelayBattery.ALL.size());
        assertEquals(26, new HashSet<>(RelayBattery.ALL.stream().map(RelayVariant::id).toList()).size());
        assertEquals(16, RelayBattery.ALL.stream().filter(v -> v.origin().startsWith("nmap")).count());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "null-sender           | <>                          | <victim@example.com>",
            "external-sender       | <probe@sender.example>      | <victim@example.com>",
            "host-sender           | <probe@mx.target.example>   | <victim@example.com>",
            "ip-literal-sender     | <probe@[192.0.2.25]>        | <victim@example.com>",
            "percent-hack-ip       | <probe@[192.0.2.25]>        | <victim%example.com@[192.0.2.25]>",
            "percent-hack-host     | <probe@[192.0.2.25]>        | <victim%example.com@mx.target.example>",
            "quoted-address        | <probe@[192.0.2.25]>        | <\"victim@example.com\">",
            "quoted-percent        | <probe@[192.0.2.25]>        | <\"victim%example.com\">",
            "double-at-ip          | <probe@[192.0.2.25]>        | <victim@example.com@[192.0.2.25]>",
            "quoted-at-ip          | <probe@[192.0.2.25]>        | <\"victim@example.com\"@[192.0.2.25]>",
            "double-at-host        | <probe@[192.0.2.25]>        | <victim@example.com@mx.target.example>",
            "source-route-ip       | <probe@[192.0.2.25]>        | <@[192.0.2.25]:victim@example.com>",
            "source-route-host     | <probe@[192.0.2.25]>        | <@mx.target.example:victim@example.com>",
            "bang-path             | <probe@[192.0.2.25]>        | <example.com!victim>",
            "bang-path-ip          | <probe@[192.0.2.25]>        | <example.com!victim@[192.0.2.25]>",
            "bang-path-host        | <probe@[192.0.2.25]>        | <example.com!victim@mx.target.example>",
            "local-sender          | <probe@target.example>      | <victim@example.com>",
            "postmaster-sender     | <postmaster@target.example> | <victim@example.com>",
            "localhost-sender      | <probe@localhost>           | <victim@example.com>",
            "bare-sender           | <probe>                     | <victim@example.com>",
            "unbracketed-rcpt      | <probe@sender.example>      | victim@example.com",
            "percent-hack-domain   | <probe@sender.example>      | <victim%example.com@target.example>",
            "source-route-domain   | <probe@sender.example>      | <@target.example:victim@example.com>",
            "trailing-at           | <probe@sender.example>      | <victim@example.com@>",
            "percent-hack-localhost| <probe@sender.example>      | <victim%example.com@localhost>",
            "bang-sender           | <example.com!probe>         | <victim@example.com>"})
    void rendersEveryVariant(String id, String mailFrom, String rcptTo) throws Exception {
        RelayVariant.Envelope e = RelayBattery.byId(id).render(context("192.0.2.25"));
        assertEquals(mailFrom, e.mailFrom());
        assertEquals(rcptTo, e.rcptTo());
    }

    @Test
    void rendersIpv6AddressLiteralsWithTheTag() throws Exception {
        RelayVariant.Envelope e = RelayBattery.byId("percent-hack-ip").render(context("2001:db8::25"));
        assertEquals("<probe@[IPv6:2001:db8::25]>", e.mailFrom());
        assertEquals("<victim%example.com@[IPv6:2001:db8::25]>", e.rcptTo());
    }

    @Test
    void selectsASubsetInBatteryOrderAndRefusesUnknownIds() {
        assertEquals(List.of("null-sender", "bang-sender"),
                RelayBattery.select(List.of("bang-sender", "null-sender")).stream().map(RelayVariant::id).toList());
        assertEquals(26, RelayBattery.select(List.of()).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RelayBattery.select(List.of("null-sender", "no-such-test")));
        assertEquals("unknown relay test id: no-such-test", e.getMessage());
    }

    @Test
    void aHostileServerNameCannotReachACommand() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new ProbeContext("probe", "sender.example", "victim",
                "example.com", "mx\r\nDATA", InetAddress.getByName("192.0.2.1"), "target.example"));
    }
}
