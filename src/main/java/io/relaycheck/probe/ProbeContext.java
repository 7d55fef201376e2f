package io.relaycheck.probe;

import io.relaycheck.dns.IpLiterals;
import io.relaycheck.smtp.SmtpCommand;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The values the battery's placeholders take for one server.
 *
 * @param senderLocal    F: local part of our probe sender
 * @param senderDomain   PD: our own sender domain
 * @param recipientLocal T: local part of the external recipient
 * @param recipientDomain D: the external domain the relay tests try to reach
 * @param serverName     S: the server's host name (MX name, target host or greeting name)
 * @param address        the address we connected to, for IP: rendered as an address literal
 * @param mailDomain     MD: the domain the server is responsible for
 */
public record ProbeContext(String senderLocal, String senderDomain, String recipientLocal, String recipientDomain,
                           String serverName, InetAddress address, String mailDomain) {

    /**
     * Every value ends up in a command line: refuse control bytes here too, so a bad configuration
     * or a hostile greeting name fails loudly instead of reaching a server.
     */
    public ProbeContext {
        SmtpCommand.checkArgument("probe sender local part", senderLocal);
        SmtpCommand.checkArgument("probe sender domain", senderDomain);
        SmtpCommand.checkArgument("recipient local part", recipientLocal);
        SmtpCommand.checkArgument("recipient domain", recipientDomain);
        SmtpCommand.checkArgument("server name", serverName);
        SmtpCommand.checkArgument("mail domain", mailDomain);
    }

    /**
     * RFC 5321 §4.1.3: an IPv4 address literal is {@code [192.0.2.1]}, an IPv6 one
     * {@code [IPv6:2001:db8::1]}.
     */
    public static String addressLiteral(InetAddress address) {
        // RFC 5952 text (compressed, lower case), as servers print it in their own replies.
        String text = IpLiterals.toText(address);
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }

    /**
     * Replaces each placeholder ({@code {F} {PD} {T} {D} {S} {IP} {MD}}) with its value; anything else,
     * an unknown name in braces included, is copied as it is. A plain scan, not a regular expression
     * with a map of values: it runs for every template of every variant of every check.
     */
    String fill(String template) {
        StringBuilder sb = new StringBuilder(template.length() + 48);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i + 1) : -1;
            String value = close < 0 ? null : value(template.substring(i + 1, close));
            if (value == null) {
                sb.append(c);
                i++;
            } else {
                sb.append(value);
                i = close + 1;
            }
        }
        return sb.toString();
    }

    private String value(String name) {
        return switch (name) {
            case "F" -> senderLocal;
            case "PD" -> senderDomain;
            case "T" -> recipientLocal;
            case "D" -> recipientDomain;
            case "S" -> serverName;
            case "IP" -> addressLiteral(address);
            case "MD" -> mailDomain;
            default -> null;
        };
    }
}
