package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One CoRE link (RFC 6690) from a Bootstrap-Discover answer: its target and attributes. */
public record Link(String target, Map<String, String> attributes) {

    public Link {
        attributes = Map.copyOf(attributes);
    }

    /**
     * Parses an {@code application/link-format} body such as
     * {@code </>;lwm2m=1.1,</0/0>;ssid=101;uri="coaps://x",</0/1>}. Attribute values lose their quotes;
     * an attribute without a value maps to the empty string.
     *
     * @throws IllegalArgumentException if the body is not link-format
     */
    public static List<Link> parse(String body) {
        Cursor cursor = new Cursor(body);
        List<Link> links = new ArrayList<>();
        while (cursor.skipWhitespace()) {
            String target = cursor.target();
            Map<String, String> attributes = new LinkedHashMap<>();
            while (cursor.consume(';')) {
                String name = cursor.until("=;,").trim();
                attributes.put(name, cursor.consume('=') ? cursor.value(name) : "");
            }
            links.add(new Link(target, attributes));
            if (cursor.skipWhitespace() && !cursor.consume(',')) {
                throw new IllegalArgumentException("link-format: expected ',' at offset " + cursor.at);
            }
        }
        return links;
    }

    /** A position in a link-format body. */
    private static final class Cursor {
        private final String body;
        private int at;

        Cursor(String body) {
            this.body = body;
        }

        /** Skips whitespace; true while characters remain. */
        boolean skipWhitespace() {
            while (at < body.length() && Character.isWhitespace(body.charAt(at))) {
                at++;
            }
            return at < body.length();
        }

        boolean consume(char expected) {
            if (at < body.length() && body.charAt(at) == expected) {
                at++;
                return true;
            }
            return false;
        }

        /** The characters up to (not including) the first of {@code stops} or the end. */
        String until(String stops) {
            int start = at;
            while (at < body.length() && stops.indexOf(body.charAt(at)) < 0) {
                at++;
            }
            return body.substring(start, at);
        }

        String target() {
            if (body.charAt(at) != '<') {
                throw new IllegalArgumentException("link-format: expected '<' at offset " + at);
            }
            int end = body.indexOf('>', at);
            if (end < 0) {
                throw new IllegalArgumentException("link-format: unterminated '<' at offset " + at);
            }
            String target = body.substring(at + 1, end);
            at = end + 1;
            return target;
        }

        /** An attribute's value: a quoted-string (RFC 6690, a backslash escapes the next character) or a token. */
        String value(String name) {
            if (!consume('"')) {
                return until(";,").trim();
            }
            StringBuilder quoted = new StringBuilder();
            while (at < body.length() && body.charAt(at) != '"') {
                if (body.charAt(at) == '\\' && at + 1 < body.length()) {
                    at++;
                }
                quoted.append(body.charAt(at++));
            }
            if (!consume('"')) {
                throw new IllegalArgumentException("link-format: unterminated quoted value of " + shown(name));
            }
            return quoted.toString();
        }
    }

    /** A name the client chose, as a reason may quote it: printable, at most 40 characters (found by DiscoverAnswerFuzzTest). */
    private static String shown(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
