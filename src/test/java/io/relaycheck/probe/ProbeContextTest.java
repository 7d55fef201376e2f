package io.relaycheck.probe;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Placeholder filling: every name, repeats, and text that only looks like a placeholder. */
class ProbeContextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "<{F}@{PD}>|<probe@sender.example>",
            "<{T}%{D}@{IP}>|<victim%example.com@[192.0.2.25]>",
            "<@{S}:{T}@{D}>|<@mx.target.example:victim@example.com>",
            "<{T}@{MD}>|<victim@target.example>",
            "{F}{F}{F}|probeprobeprobe",
            "<{X}@{D}>|<{X}@example.com>",       // an unknown name stays as it is
            "<{f}@{D}>|<{f}@example.com>",       // names are case-sensitive
            "<{}@{D}>|<{}@example.com>",
            "<{{T}@{D}>|<{victim@example.com>",  // a stray brace before a placeholder
            "<{T}}@{D}>|<victim}@example.com>",
            "<{T@{D}>|<{T@example.com>",         // never closed until another placeholder's brace
            "no placeholders|no placeholders",
            "trailing {|trailing {",
    })
    void fillsKnownPlaceholdersAndCopiesTheRest(String template, String expected) throws Exception {
        ProbeContext c = new ProbeContext("probe", "sender.example", "victim", "example.com", "mx.target.example",
                InetAddress.getByName("192.0.2.25"), "target.example");
        assertEquals(expected, c.fill(template));
    }
}
