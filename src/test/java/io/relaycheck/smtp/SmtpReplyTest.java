package io.relaycheck.smtp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The RFC 3463 status read from a reply's first line (§2), and the class rule of RFC 3463 §2. */
class SmtpReplyTest {

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "250|2.1.0 Ok|2.1.0",
            "554|5.7.1 <a@b>: Relay access denied|5.7.1",
            "451|4.3.0 try later|4.3.0",
            "250|2.0.0|2.0.0",                      // the status alone, nothing after it
            "550|5.123.999 long parts|5.123.999",   // three digits is the most a part may have
            "550|5.1234.1 too long|null",
            "550|5.1.1234 too long|null",
            "550|5.1. missing detail|null",
            "550|5..1 missing subject|null",
            "550|5.1.1x glued text|null",
            "550|5.1.1\ttab after|5.1.1",
            "550|3.1.1 class 3 does not exist|null",
            "250|5.0.0 looks like a status but is text|null", // class must match the code's first digit
            "550|2.0.0 the other way round|null",
            "550|' 5.1.1 leading space'|null",
            "550|5.1|null",
            "550|text only|null",
            "550|5,1,1 commas|null",
            "550|5.١.1 not ASCII digits|null",
    })
    void readsTheEnhancedCodeOfTheFirstLine(int code, String firstLine, String expected) {
        assertEquals(expected, SmtpReply.of(code, List.of(firstLine, "2.0.0 second lines do not count")).enhancedCode());
    }

    @ParameterizedTest
    @CsvSource({"250", "550"})
    void aReplyWithoutTextHasNoEnhancedCode(int code) {
        assertEquals(null, SmtpReply.of(code, List.of()).enhancedCode());
        assertEquals(null, SmtpReply.of(code, List.of("")).enhancedCode());
    }
}
