package io.relaycheck.dns;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns the request's {@code target} string into a {@link Target}, or explains to the user why it
 * is not one.
 *
 * <p>Nothing is fixed silently (no trimming, no stripping of schemes or ports): a target that needs
 * repair is probably not what the user thinks it is, and telling them is cheaper than checking the
 * wrong server. Nothing here touches the network: IP literals are parsed by {@link IpLiterals}
 * from the text, never by {@link java.net.InetAddress#getByName}.
 *
 * <p>Host names follow RFC 1123 §2.1 (letters, digits, hyphen; labels may start with a digit) and
 * RFC 1035 §2.3.4 (63 octets per label, 253 per name without the trailing dot). Internationalised
 * names are converted label by label with {@link IDN#toASCII(String, int)} and
 * {@link IDN#USE_STD3_ASCII_RULES}, which gives the A-label of RFC 5890 §2.3.2.1 that DNS and SMTP
 * need (RFC 5891 §4 describes the registration-side checks). Note that {@link IDN} implements
 * IDNA2003 (RFC 3490): it maps a few characters differently from IDNA2008, e.g. "ß" becomes "ss".
 */
public final class TargetParser {

    /** Longer input is refused before any work; a host name has at most 253 octets anyway. */
    static final int MAX_INPUT_LENGTH = 1024;

    /** How much of the input an error message repeats. */
    private static final int MAX_ECHO = 100;

    private static final int MAX_LABEL_OCTETS = 63;
    private static final int MAX_NAME_OCTETS = 253;

    /** RFC 3986 §3.1 scheme syntax. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    /** WHATWG URL "ends in a number": a last label in decimal or 0x-hex is read as IPv4 by browsers and inet_aton. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    private TargetParser() {
    }

    /**
     * Parses a target.
     *
     * @throws InvalidTargetException with a message for the user when the text is not an IPv4
     *                                dotted quad, an IPv6 literal (optionally in brackets) or a
     *                                host name
     */
    public static Target parse(String target) {
        if (target == null) {
            throw new InvalidTargetException("target is required: give a domain, a host name or an IP address");
        }
        if (target.isEmpty()) {
            throw new InvalidTargetException("target is empty: give a domain, a host name or an IP address");
        }
        if (target.length() > MAX_INPUT_LENGTH) {
            throw new InvalidTargetException("target is too long (" + target.length()
                    + " characters); a domain name has at most " + MAX_NAME_OCTETS);
        }
        checkCharacters(target);
        if (target.indexOf('@') >= 0) {
            String domain = target.substring(target.lastIndexOf('@') + 1);
            throw new InvalidTargetException("target " + quote(target)
                    + " looks like an e-mail address; give only the domain after the '@'"
                    + (domain.isEmpty() ? "" : " (" + quote(domain) + ")"));
        }
        if (target.contains("://")) {
            throw new InvalidTargetException("target " + quote(target)
                    + " looks like a URL; give only the host name, and a port in the port field");
        }
        if (target.indexOf('[') >= 0 || target.indexOf(']') >= 0) {
            return parseBracketed(target);
        }
        if (target.indexOf(':') >= 0) {
            return parseWithColon(target);
        }
        if (target.chars().anyMatch(c -> c >= '0' && c <= '9')
                && target.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            // Digits and dots only: never a host name (no top-level domain is numeric, RFC 3696
            // §2), so it is an IPv4 address or a mistake.
            try {
                return new Target.IpLiteral(IpLiterals.parseIpv4(target));
            } catch (IllegalArgumentException e) {
                throw new InvalidTargetException("target " + quote(target) + " is not a valid IPv4 address: "
                        + e.getMessage());
            }
        }
        return new Target.DomainName(parseName(target));
    }

    /**
     * Whitespace at either end, control bytes, inner spaces and invisible characters: each is a
     * copy-and-paste accident or an injection attempt (a CR LF would end an SMTP command), and
     * none can be part of a host name.
     */
    private static void checkCharacters(String target) {
        if (isSpace(target.codePointAt(0)) || isSpace(target.codePointBefore(target.length()))) {
            throw new InvalidTargetException("target " + quote(target)
                    + " has whitespace at its start or end; remove it");
        }
        int position = 0;
        for (int i = 0; i < target.length(); ) {
            int cp = target.codePointAt(i);
            position++;
            if (Character.isISOControl(cp)) {
                throw new InvalidTargetException("target " + quote(target) + " contains the control character "
                        + escape(cp) + " at position " + position);
            }
            if (isSpace(cp)) {
                throw new InvalidTargetException("target " + quote(target)
                        + " contains a space; give a single domain, host name or IP address");
            }
            int type = Character.getType(cp);
            if (type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE) {
                // Zero-width and direction-changing characters (U+200B, U+202E, ...) are invisible
                // in a form field; IDNA2003 would drop some of them silently.
                throw new InvalidTargetException("target " + quote(target) + " contains the invisible character "
                        + escape(cp) + " at position " + position);
            }
            i += Character.charCount(cp);
        }
    }

    private static Target parseBracketed(String target) {
        int close = target.indexOf(']');
        if (target.charAt(0) != '[' || close < 0 || target.indexOf('[', 1) >= 0 || target.indexOf(']', close + 1) >= 0) {
            throw new InvalidTargetException("target " + quote(target)
                    + " has unbalanced brackets; '[' and ']' may only enclose a whole IPv6 address, as in [2001:db8::1]");
        }
        String inner = target.substring(1, close);
        String rest = target.substring(close + 1);
        if (!rest.isEmpty()) {
            if (rest.charAt(0) == ':') {
                throw portError(target, "[" + inner + "]", rest.substring(1));
            }
            throw new InvalidTargetException("target " + quote(target) + " has text after ']'");
        }
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            // The SMTP address-literal form of RFC 5321 §4.1.3, copied from a mail header.
            throw new InvalidTargetException("target " + quote(target)
                    + " is an SMTP address literal; give the IPv6 address without the 'IPv6:' tag");
        }
        if (inner.indexOf('%') >= 0) {
            throw zoneError(target);
        }
        if (inner.indexOf(':') < 0) {
            throw new InvalidTargetException("target " + quote(target)
                    + ": brackets are only for IPv6 addresses; write an IPv4 address or a name without them");
        }
        return ipv6(target, inner);
    }

    private static Target parseWithColon(String target) {
        int percent = target.indexOf('%');
        String address = percent >= 0 ? target.substring(0, percent) : target;
        int colons = (int) address.chars().filter(c -> c == ':').count();
        int lastColon = target.lastIndexOf(':');
        String afterLastColon = target.substring(lastColon + 1);
        boolean portLike = colons == 1 && isDecimal(afterLastColon);
        if (isIpv6Alphabet(address) && !portLike) {
            if (percent >= 0) {
                // RFC 6874 zone ids ("fe80::1%eth0") name an interface of the machine running this
                // service; they only make sense for link-local addresses, which are refused anyway.
                throw zoneError(target);
            }
            return ipv6(target, target);
        }
        if (portLike) {
            // "mail.example.com:25", "192.0.2.1:587": an IPv6 literal always has at least two
            // colons, so one colon followed by digits is a port.
            throw portError(target, target.substring(0, lastColon), afterLastColon);
        }
        String beforeFirstColon = target.substring(0, target.indexOf(':'));
        // "fe80:..." is hex and fits the scheme syntax too: a prefix of hex digits only is taken
        // as a mistyped IPv6 address, anything else ("smtp", "mailto") as a scheme.
        if (SCHEME.matcher(beforeFirstColon).matches() && !isIpv6Alphabet(beforeFirstColon)) {
            throw new InvalidTargetException("target " + quote(target) + " starts with a scheme ('"
                    + escapeAll(beforeFirstColon) + ":'); give only the host name, and a port in the port field");
        }
        if (colons >= 2) {
            // Meant as an IPv6 address but mistyped ("2001:db8::g"): say what is wrong with it.
            return ipv6(target, target);
        }
        throw new InvalidTargetException("target " + quote(target)
                + " contains ':', which only IPv6 addresses may contain; put a port in the port field");
    }

    private static Target ipv6(String target, String literal) {
        try {
            return new Target.IpLiteral(IpLiterals.parseIpv6(literal));
        } catch (IllegalArgumentException e) {
            throw new InvalidTargetException("target " + quote(target) + " is not a valid IPv6 address: "
                    + e.getMessage());
        }
    }

    private static String parseName(String target) {
        // Name the offending ASCII character before IDN conversion does, with a generic message.
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x80 && !isLdh(c) && c != '.') {
                if (c == '_') {
                    throw new InvalidTargetException("target " + quote(target)
                            + " contains '_', which is not allowed in a host name (RFC 1123 §2.1: letters, digits and '-' only)");
                }
                throw new InvalidTargetException("target " + quote(target) + " contains '" + escapeAll(String.valueOf(c))
                        + "', which is not allowed in a host name (letters, digits, '-' and '.' only)");
            }
        }
        List<String> labels = splitLabels(target);
        if (labels.size() > 1 && labels.get(labels.size() - 1).isEmpty()) {
            // One trailing dot marks a fully qualified name (RFC 1034 §3.1); it is not part of it.
            labels.remove(labels.size() - 1);
        }
        if (labels.size() == 1 && labels.get(0).isEmpty()) {
            throw new InvalidTargetException("target " + quote(target) + " is the DNS root, not a host name");
        }
        List<String> ascii = new ArrayList<>(labels.size());
        for (String label : labels) {
            ascii.add(toAsciiLabel(target, label));
        }
        String name = String.join(".", ascii);
        if (name.length() > MAX_NAME_OCTETS) {
            throw new InvalidTargetException("target " + quote(target) + " is " + name.length()
                    + " octets long" + (name.equals(target) ? "" : " in ASCII form")
                    + "; a domain name has at most " + MAX_NAME_OCTETS + " (RFC 1035 §2.3.4)");
        }
        String last = ascii.get(ascii.size() - 1);
        if (NUMERIC_LABEL.matcher(last).matches()) {
            // "example.123", "0x7f.1", "1.2.3.4." or full-width digits that IDN turned into ASCII:
            // inet_aton() and browsers read such names as IPv4 addresses, a resolver as names.
            // Refuse the ambiguity instead of choosing one reading.
            String asAddress = null;
            try {
                asAddress = IpLiterals.toText(IpLiterals.parseIpv4(name));
            } catch (IllegalArgumentException notAnAddress) {
                // reported below
            }
            if (asAddress != null) {
                throw new InvalidTargetException("target " + quote(target) + " reads as the IPv4 address "
                        + asAddress + "; write it exactly as " + asAddress);
            }
            throw new InvalidTargetException("target " + quote(target)
                    + " ends in a number, so it is not a host name (no top-level domain is numeric),"
                    + " and it is not an IPv4 address of four numbers 0-255 either");
        }
        return name;
    }

    /**
     * Splits at the full stop and at the three other label separators of RFC 3490 §3.1
     * (ideographic, full-width and half-width ideographic full stops), keeping empty labels.
     */
    private static List<String> splitLabels(String target) {
        List<String> labels = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '.' || c == '\u3002' || c == '\uFF0E' || c == '\uFF61') {
                labels.add(target.substring(start, i));
                start = i + 1;
            }
        }
        labels.add(target.substring(start));
        return labels;
    }

    private static String toAsciiLabel(String target, String label) {
        if (label.isEmpty()) {
            throw emptyLabel(target);
        }
        String ascii = label;
        if (!label.chars().allMatch(c -> c < 0x80)) {
            try {
                ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw new InvalidTargetException("target " + quote(target) + ": " + quote(label)
                        + " is not a valid internationalised domain label (" + e.getMessage() + ")");
            }
            if (ascii.isEmpty()) {
                // Nameprep maps some characters (soft hyphen, U+00AD) to nothing.
                throw emptyLabel(target);
            }
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        // Checked again after conversion: nameprep may map a character to one outside LDH.
        if (!ascii.chars().allMatch(c -> c < 0x80 && isLdh((char) c))) {
            throw new InvalidTargetException("target " + quote(target) + ": " + quote(label)
                    + " is not made of letters, digits and '-' after conversion to ASCII");
        }
        if (ascii.length() > MAX_LABEL_OCTETS) {
            throw new InvalidTargetException("target " + quote(target) + ": the label " + quote(label) + " is "
                    + ascii.length() + " octets long; a label has at most " + MAX_LABEL_OCTETS + " (RFC 1035 §2.3.4)");
        }
        if (ascii.charAt(0) == '-' || ascii.charAt(ascii.length() - 1) == '-') {
            throw new InvalidTargetException("target " + quote(target) + ": the label " + quote(label)
                    + " starts or ends with '-', which host names may not (RFC 1123 §2.1)");
        }
        return ascii;
    }

    private static InvalidTargetException emptyLabel(String target) {
        return new InvalidTargetException("target " + quote(target)
                + " has an empty label (a leading dot or two dots in a row)");
    }

    private static InvalidTargetException portError(String target, String host, String port) {
        return new InvalidTargetException("target " + quote(target) + " includes a port; give the host alone ("
                + quote(host) + ") and put " + (port.isEmpty() ? "the port" : quote(port)) + " in the port field");
    }

    private static InvalidTargetException zoneError(String target) {
        return new InvalidTargetException("target " + quote(target)
                + " has a zone id ('%...'); zone ids name a local interface and are not accepted");
    }

    private static boolean isLdh(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static boolean isDecimal(String s) {
        return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean isIpv6Alphabet(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                || (c >= 'A' && c <= 'F') || c == ':' || c == '.');
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /** The input in single quotes, shortened, with control and invisible characters escaped. */
    static String quote(String s) {
        String shown = s;
        if (s.codePointCount(0, s.length()) > MAX_ECHO) {
            shown = s.substring(0, s.offsetByCodePoints(0, MAX_ECHO)) + "...";
        }
        return "'" + escapeAll(shown) + "'";
    }

    /**
     * Keeps printable text (including non-ASCII letters, so "bücher" stays readable) and turns
     * control characters into {@code \xHH}, invisible and unassigned characters into
     * {@code \}{@code uHHHH} (or {@code \}{@code u{HHHHH}}), and the backslash into {@code \\}, so
     * the escaping cannot be forged.
     */
    static String escapeAll(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (cp == '\\') {
                sb.append("\\\\");
            } else if (needsEscape(cp)) {
                sb.append(escape(cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static boolean needsEscape(int cp) {
        int type = Character.getType(cp);
        return Character.isISOControl(cp) || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static String escape(int cp) {
        if (cp <= 0xFF) {
            return String.format("\\x%02x", cp);
        }
        if (cp <= 0xFFFF) {
            return String.format("\\u%04x", cp);
        }
        return String.format("\\u{%x}", cp);
    }
}
