package io.relaycheck.bench;

import java.util.Locale;

/**
 * What one simulated server answers, line by line: a well-behaved ESMTP server that advertises
 * PIPELINING (and no STARTTLS), refuses DATA, validates local recipients at RCPT time, and either
 * refuses or accepts recipients in foreign domains (closed or open relay). Pure: no I/O, no
 * timing; {@link FleetConnection} adds those.
 *
 * <p>The server's name is {@code mx-127-0-10-1.fleet.test}; the service derives the mail domain
 * {@code fleet.test} from it (its parent domain, as {@code .test} is no public suffix). Local
 * users: {@code postmaster} and {@code alice} at that domain or at the server's own name.
 */
public final class SmtpPersona {

    public static final String MAIL_DOMAIN = "fleet.test";

    private final String name;
    private final boolean openRelay;
    private boolean mail;
    private boolean quit;

    public SmtpPersona(String address, boolean openRelay) {
        this.name = "mx-" + address.replace('.', '-') + "." + MAIL_DOMAIN;
        this.openRelay = openRelay;
    }

    public String name() {
        return name;
    }

    public String greeting() {
        return "220 " + name + " ESMTP BenchFleet\r\n";
    }

    /** True once QUIT was answered: the connection closes after that reply is sent. */
    public boolean quit() {
        return quit;
    }

    /** The complete reply (with CRLFs) to one command line (without its line ending). */
    public String answer(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("MAIL FROM:")) {
            mail = true;
            return "250 2.1.0 Ok\r\n";
        }
        if (upper.startsWith("RCPT TO:")) {
            if (!mail) {
                return "503 5.5.1 Error: need MAIL command\r\n";
            }
            return rcpt(line.substring("RCPT TO:".length()).strip());
        }
        String verb = upper.split(" ", 2)[0];
        return switch (verb) {
            case "EHLO" -> "250-" + name + "\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ENHANCEDSTATUSCODES\r\n"
                    + "250 8BITMIME\r\n";
            case "HELO" -> "250 " + name + "\r\n";
            case "RSET" -> {
                mail = false;
                yield "250 2.0.0 Ok\r\n";
            }
            case "NOOP" -> "250 2.0.0 Ok\r\n";
            case "DATA", "BDAT" -> "554 5.7.0 Error: this bench server takes no mail\r\n";
            case "QUIT" -> {
                quit = true;
                yield "221 2.0.0 Bye\r\n";
            }
            default -> "502 5.5.2 Error: command not recognized\r\n";
        };
    }

    private String rcpt(String path) {
        String addr = path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
        String a = addr.toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        String domain = at < 0 ? "" : a.substring(at + 1);
        String local = at < 0 ? a : a.substring(0, at);
        boolean ours = domain.equals(MAIL_DOMAIN) || domain.equals(name.toLowerCase(Locale.ROOT));
        if (ours) {
            if (local.equals("postmaster") || local.equals("alice")) {
                return "250 2.1.5 Ok\r\n";
            }
            return "550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown in local recipient table\r\n";
        }
        return openRelay ? "250 2.1.5 Ok\r\n" : "554 5.7.1 <" + addr + ">: Relay access denied\r\n";
    }
}
