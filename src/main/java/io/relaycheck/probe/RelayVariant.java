package io.relaycheck.probe;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One relay trick: the envelope a spammer would try, as templates over the placeholders of
 * DESIGN.md §4 ({@code {F}} probe sender local part, {@code {PD}} probe sender domain, {@code {T}}
 * external recipient local part, {@code {D}} external domain, {@code {S}} server host name,
 * {@code {IP}} the address as an address literal, {@code {MD}} the mail domain). The id is stable:
 * reports and API callers refer to it; ids are added, never reused.
 *
 * @param id       stable identifier
 * @param mailFrom MAIL FROM path template, brackets included
 * @param rcptTo   RCPT TO path template, brackets included where the trick has them
 * @param origin   where the trick comes from (nmap's smtp-open-relay number, MAPS, DSBL, …)
 * @param scope    whether the recipient names the foreign domain, or a local one with the foreign
 *                 address hidden in the local part
 */
public record RelayVariant(String id, String mailFrom, String rcptTo, String origin, Scope scope) {

    /**
     * Where the recipient address points by RFC 5321 syntax. A server that accepts every local
     * recipient (a catch-all) also accepts {@code T%D@MD} or {@code "T@D"} as a local mailbox, so
     * from outside such an acceptance is not evidence of relaying; an acceptance of a recipient in
     * the foreign domain always is.
     */
    public enum Scope {
        /** The address's domain is the foreign domain D (source routes end there too, RFC 5321 §4.1.2). */
        FOREIGN,
        /** The address's domain is the server's own (MD, S, its IP, localhost) or missing; D hides in the local part. */
        LOCAL_ROUTED
    }

    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public RelayVariant {
        Objects.requireNonNull(mailFrom);
        Objects.requireNonNull(rcptTo);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(scope);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad variant id: " + id);
        }
    }

    /** The envelope for one server. */
    public Envelope render(ProbeContext context) {
        return new Envelope(context.fill(mailFrom), context.fill(rcptTo));
    }

    /** A filled-in envelope. */
    public record Envelope(String mailFrom, String rcptTo) {
    }
}
