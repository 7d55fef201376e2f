package io.relaycheck.smtp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes a server sends into {@link SmtpReply} values, with hard limits.
 *
 * <p>Lines are framed by Vert.x's {@link RecordParser} on LF; a preceding CR is dropped, so a bare
 * LF is tolerated (many broken servers send one). A line longer than {@code maxLineBytes} and a
 * multi-line reply larger than {@code maxReplyBytes} are errors: memory is bounded by the limits,
 * not by what the server sends. A line that is not {@code code[-| ]text} (RFC 5321 §4.2), or a
 * multi-line reply whose lines carry different codes (RFC 5321 §4.2.1: "each line ... the same
 * code"), is a protocol error and never turned into a made-up reply code. Errors are sticky: after
 * one, the decoder ignores everything.
 *
 * <p>Not thread-safe; fed from one event-loop context.
 */
public final class ReplyDecoder {

    /** What the decoder reports, in order. */
    public interface Listener {
        /** A raw line, control bytes escaped (for the transcript). */
        void onLine(String escapedLine);

        /** A complete reply. */
        void onReply(SmtpReply reply);

        /** A fatal error; nothing more is reported after it. */
        void onError(SmtpFailure failure);
    }

    private final int maxLineBytes;
    private final int maxReplyBytes;
    private final Listener listener;
    private final RecordParser parser;

    private final List<String> pendingLines = new ArrayList<>();
    private int pendingCode = -1;
    private int pendingBytes;
    private boolean failed;

    /**
     * @param maxLineBytes  longest accepted line, terminator included
     * @param maxReplyBytes largest accepted reply, all lines and terminators included
     */
    public ReplyDecoder(int maxLineBytes, int maxReplyBytes, Listener listener) {
        if (maxLineBytes < 8 || maxReplyBytes < maxLineBytes) {
            throw new IllegalArgumentException("limits too small: line " + maxLineBytes + ", reply " + maxReplyBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.maxReplyBytes = maxReplyBytes;
        this.listener = listener;
        // RecordParser checks maxRecordSize only for the part it could not frame yet; a complete
        // over-long line inside one chunk is caught in onRecord.
        this.parser = RecordParser.newDelimited("\n", this::onRecord);
        this.parser.maxRecordSize(maxLineBytes);
        this.parser.exceptionHandler(e -> fail(new SmtpFailure(SmtpFailure.Kind.LINE_TOO_LONG,
                "reply line longer than " + maxLineBytes + " bytes")));
    }

    /** Feeds the next chunk, as it came off the socket. */
    public void feed(Buffer chunk) {
        if (failed) {
            return;
        }
        parser.handle(chunk);
    }

    /** True when a reply has started but its last line has not arrived. */
    public boolean inReply() {
        return pendingCode >= 0;
    }

    public boolean failed() {
        return failed;
    }

    private void onRecord(Buffer record) {
        if (failed) {
            return;
        }
        int wireLength = record.length() + 1; // the LF the parser consumed
        byte[] bytes = record.getBytes();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (wireLength > maxLineBytes) {
            listener.onLine(Escaping.escape(bytes, 0, Math.min(length, 200)) + "…");
            fail(new SmtpFailure(SmtpFailure.Kind.LINE_TOO_LONG, "reply line of " + wireLength
                    + " bytes, longer than the limit of " + maxLineBytes));
            return;
        }
        String escaped = Escaping.escape(bytes, 0, length);
        listener.onLine(escaped);

        pendingBytes += wireLength;
        if (pendingBytes > maxReplyBytes) {
            fail(new SmtpFailure(SmtpFailure.Kind.REPLY_TOO_LARGE, "multi-line reply larger than the limit of "
                    + maxReplyBytes + " bytes"));
            return;
        }
        int code = parseCode(bytes, length);
        if (code < 0) {
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "not an SMTP reply line: \"" + abbreviate(escaped) + "\""));
            return;
        }
        boolean last;
        if (length == 3 || bytes[3] == ' ') {
            last = true; // RFC 5321 §4.2: "Reply-code [ SP textstring ] CRLF"; a bare code is legal
        } else if (bytes[3] == '-') {
            last = false;
        } else {
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "reply code not followed by space or hyphen: \""
                    + abbreviate(escaped) + "\""));
            return;
        }
        if (pendingCode >= 0 && pendingCode != code) {
            fail(new SmtpFailure(SmtpFailure.Kind.PROTOCOL_ERROR, "multi-line reply mixes codes " + pendingCode
                    + " and " + code));
            return;
        }
        pendingCode = code;
        pendingLines.add(length > 4 ? escaped.substring(4) : "");
        if (last) {
            SmtpReply reply = SmtpReply.of(code, pendingLines);
            pendingLines.clear();
            pendingCode = -1;
            pendingBytes = 0;
            listener.onReply(reply);
        }
    }

    /** The reply code, or -1 when the line does not start with one SMTP can use (2yz to 5yz). */
    private static int parseCode(byte[] b, int length) {
        if (length < 3) {
            return -1;
        }
        int d0 = b[0] - '0';
        int d1 = b[1] - '0';
        int d2 = b[2] - '0';
        // RFC 5321 §4.2.1: first digit 2–5 in SMTP (1yz is never used), second digit 0–5.
        if (d0 < 2 || d0 > 5 || d1 < 0 || d1 > 5 || d2 < 0 || d2 > 9) {
            return -1;
        }
        return d0 * 100 + d1 * 10 + d2;
    }

    private void fail(SmtpFailure failure) {
        if (failed) {
            return;
        }
        failed = true;
        pendingLines.clear();
        listener.onError(failure);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
