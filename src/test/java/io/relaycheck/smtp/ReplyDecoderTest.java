package io.relaycheck.smtp;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyDecoderTest {

    private final List<SmtpReply> replies = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final List<SmtpFailure> errors = new ArrayList<>();

    private ReplyDecoder decoder(int maxLine, int maxReply) {
        return new ReplyDecoder(maxLine, maxReply, new ReplyDecoder.Listener() {
            @Override
            public void onLine(String escapedLine) {
                lines.add(escapedLine);
            }

            @Override
            public void onReply(SmtpReply reply) {
                replies.add(reply);
            }

            @Override
            public void onError(SmtpFailure failure) {
                errors.add(failure);
            }
        });
    }

    private ReplyDecoder decoder() {
        return decoder(2048, 64 * 1024);
    }

    private static void feed(ReplyDecoder d, String... chunks) {
        for (String c : chunks) {
            d.feed(Buffer.buffer(c));
        }
    }

    @Test
    void assemblesAReplySplitAtAwkwardPlaces() {
        ReplyDecoder d = decoder();
        feed(d, "250-", "mx.example.org Hello\r", "\n2", "50-PIPELINING\r\n250 ", "8BITMIME", "\r\n");
        assertEquals(1, replies.size());
        SmtpReply r = replies.get(0);
        assertEquals(250, r.code());
        assertEquals(List.of("mx.example.org Hello", "PIPELINING", "8BITMIME"), r.lines());
        assertTrue(errors.isEmpty());
    }

    @Test
    void feedsByteByByte() {
        ReplyDecoder d = decoder();
        for (char c : "220 mx ESMTP\r\n".toCharArray()) {
            d.feed(Buffer.buffer(String.valueOf(c)));
        }
        assertEquals(1, replies.size());
        assertEquals(220, replies.get(0).code());
        assertEquals("mx ESMTP", replies.get(0).text());
    }

    @Test
    void acceptsABareCodeLine() {
        ReplyDecoder d = decoder();
        feed(d, "250\r\n");
        assertEquals(1, replies.size());
        assertEquals(250, replies.get(0).code());
        assertEquals("", replies.get(0).text());
    }

    @Test
    void toleratesBareLineFeeds() {
        ReplyDecoder d = decoder();
        feed(d, "250-first\n250 second\n");
        assertEquals(1, replies.size());
        assertEquals(List.of("first", "second"), replies.get(0).lines());
    }

    @Test
    void decodesSeveralRepliesInOneChunk() {
        ReplyDecoder d = decoder();
        feed(d, "250 2.1.0 Ok\r\n554 5.7.1 <a@b>: Relay access denied\r\n250 2.0.0 Ok\r\n");
        assertEquals(3, replies.size());
        assertEquals("2.1.0", replies.get(0).enhancedCode());
        assertEquals(554, replies.get(1).code());
        assertEquals("5.7.1", replies.get(1).enhancedCode());
    }

    @Test
    void ignoresAnEnhancedCodeOfTheWrongClass() {
        ReplyDecoder d = decoder();
        feed(d, "250 5.0.0 looks like a status but is text\r\n");
        assertNull(replies.get(0).enhancedCode());
    }

    @Test
    void mixedCodesInOneReplyAreAProtocolError() {
        ReplyDecoder d = decoder();
        feed(d, "250-first\r\n251 second\r\n");
        assertTrue(replies.isEmpty());
        assertEquals(1, errors.size());
        assertEquals(SmtpFailure.Kind.PROTOCOL_ERROR, errors.get(0).kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello\r\n", "99 x\r\n", "650 nope\r\n", "2x0 Ok\r\n", "250_Ok\r\n", "\r\n", "\u0000\u0001\u0002\r\n",
            "160 x\r\n"})
    void garbageIsAProtocolErrorNeverAReplyCode(String garbage) {
        ReplyDecoder d = decoder();
        feed(d, garbage);
        assertTrue(replies.isEmpty(), "no reply may be invented from " + garbage);
        assertEquals(1, errors.size());
        assertEquals(SmtpFailure.Kind.PROTOCOL_ERROR, errors.get(0).kind());
    }

    @Test
    void anOverLongLineInOneChunkIsRefused() {
        ReplyDecoder d = decoder(512, 4096);
        feed(d, "250 " + "x".repeat(600) + "\r\n");
        assertTrue(replies.isEmpty());
        assertEquals(SmtpFailure.Kind.LINE_TOO_LONG, errors.get(0).kind());
    }

    @Test
    void anEndlessLineIsCutAtTheLimitWithoutATerminator() {
        ReplyDecoder d = decoder(512, 4096);
        for (int i = 0; i < 1000; i++) {
            d.feed(Buffer.buffer("y".repeat(100)));
        }
        assertEquals(1, errors.size());
        assertEquals(SmtpFailure.Kind.LINE_TOO_LONG, errors.get(0).kind());
    }

    @Test
    void anEndlessMultiLineReplyIsCutAtTheReplyLimit() {
        ReplyDecoder d = decoder(512, 4096);
        for (int i = 0; i < 1000; i++) {
            feed(d, "250-continuation line " + i + "\r\n");
        }
        assertTrue(replies.isEmpty());
        assertEquals(1, errors.size(), "the error is reported once, then the decoder is silent");
        assertEquals(SmtpFailure.Kind.REPLY_TOO_LARGE, errors.get(0).kind());
        assertTrue(lines.size() < 200, "lines after the limit are not even looked at: " + lines.size());
    }

    @Test
    void errorsAreSticky() {
        ReplyDecoder d = decoder();
        feed(d, "garbage\r\n", "250 Ok\r\n");
        assertTrue(replies.isEmpty());
        assertEquals(1, errors.size());
        assertTrue(d.failed());
    }

    @Test
    void escapesControlAndEightBitBytesInText() {
        ReplyDecoder d = decoder();
        d.feed(Buffer.buffer(new byte[]{'2', '2', '0', ' ', 'a', 0x1b, '[', '3', '1', 'm', (byte) 0xff, '\r', '\n'}));
        assertEquals("a\\x1b[31m\\xff", replies.get(0).text());
        assertEquals("220 a\\x1b[31m\\xff", lines.get(0));
    }

    @Test
    void reportsAReplyInProgress() {
        ReplyDecoder d = decoder();
        feed(d, "250-first\r\n");
        assertTrue(d.inReply());
        feed(d, "250 last\r\n");
        assertTrue(!d.inReply());
    }
}
