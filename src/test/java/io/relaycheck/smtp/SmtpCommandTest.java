package io.relaycheck.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmtpCommandTest {

    @Test
    void buildsTheWireFormWithCrlf() {
        assertArrayEquals("MAIL FROM:<a@b.example>\r\n".getBytes(), SmtpCommand.mailFrom("<a@b.example>").wireBytes());
        assertEquals("RCPT TO:t@d.example", SmtpCommand.rcptTo("t@d.example").line());
        assertEquals("EHLO probe.example", SmtpCommand.ehlo("probe.example").line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<a@b>\r\nDATA", "<a@b>\nRSET", "<a@b>\r", "a\u0000b", "a\u007fb", "caf\u00e9@x", "tab\there", ""})
    void refusesControlBytesAndEightBitInEveryArgument(String bad) {
        assertThrows(IllegalArgumentException.class, () -> SmtpCommand.mailFrom(bad));
        assertThrows(IllegalArgumentException.class, () -> SmtpCommand.rcptTo(bad));
        assertThrows(IllegalArgumentException.class, () -> SmtpCommand.ehlo(bad));
        assertThrows(IllegalArgumentException.class, () -> SmtpCommand.helo(bad));
    }

    @Test
    void refusesCommandsLongerThanRfc5321Allows() {
        assertThrows(IllegalArgumentException.class, () -> SmtpCommand.rcptTo("<" + "a".repeat(600) + "@x>"));
    }

    @Test
    void noVerbCanCarryAMessageOrProbeMailboxes() {
        // The type is the guarantee: these verbs cannot be built at all.
        for (String forbidden : new String[]{"DATA", "BDAT", "AUTH", "VRFY", "EXPN"}) {
            assertFalse(Arrays.stream(SmtpCommand.Verb.values()).anyMatch(v -> v.name().equals(forbidden)), forbidden);
        }
    }

    @Test
    void stateChangingVerbsMayOnlyEndAPipelinedGroup() {
        assertTrue(SmtpCommand.Verb.EHLO.mustEndGroup());
        assertTrue(SmtpCommand.Verb.QUIT.mustEndGroup());
        assertTrue(SmtpCommand.Verb.STARTTLS.mustEndGroup());
        assertFalse(SmtpCommand.Verb.MAIL.mustEndGroup());
        assertFalse(SmtpCommand.Verb.RCPT.mustEndGroup());
        assertFalse(SmtpCommand.Verb.RSET.mustEndGroup());
    }
}
