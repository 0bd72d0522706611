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
        List<Link> links = new ArrayList<>();
        int i = 0;
        int n = body.length();
        while (i < n) {
            i = skipWhitespace(body, i);
            if (i >= n) {
                break;
            }
            if (body.charAt(i) != '<') {
                throw new IllegalArgumentException("link-format: expected '<' at offset " + i);
            }
            int end = body.indexOf('>', i);
            if (end < 0) {
                throw new IllegalArgumentException("link-format: unterminated '<' at offset " + i);
            }
            String target = body.substring(i + 1, end);
            i = end + 1;
            Map<String, String> attributes = new LinkedHashMap<>();
            while (i < n && body.charAt(i) == ';') {
                int nameStart = ++i;
                while (i < n && body.charAt(i) != '=' && body.charAt(i) != ';' && body.charAt(i) != ',') {
                    i++;
                }
                String name = body.substring(nameStart, i).trim();
                String value = "";
                if (i < n && body.charAt(i) == '=') {
                    i++;
                    if (i < n && body.charAt(i) == '"') {
                        // quoted-string (RFC 6690): a backslash escapes the next character
                        StringBuilder quoted = new StringBuilder();
                        int j = i + 1;
                        while (j < n && body.charAt(j) != '"') {
                            if (body.charAt(j) == '\\' && j + 1 < n) {
                                j++;
                            }
                            quoted.append(body.charAt(j++));
                        }
                        if (j >= n) {
                            throw new IllegalArgumentException("link-format: unterminated quoted value of " + shown(name));
                        }
                        value = quoted.toString();
                        i = j + 1;
                    } else {
                        int valueStart = i;
                        while (i < n && body.charAt(i) != ';' && body.charAt(i) != ',') {
                            i++;
                        }
                        value = body.substring(valueStart, i).trim();
                    }
                }
                attributes.put(name, value);
            }
            links.add(new Link(target, attributes));
            i = skipWhitespace(body, i);
            if (i < n) {
                if (body.charAt(i) != ',') {
                    throw new IllegalArgumentException("link-format: expected ',' at offset " + i);
                }
                i++;
            }
        }
        return links;
    }

    /** A name the client chose, as a reason may quote it: printable, at most 40 characters (found by DiscoverAnswerFuzzTest). */
    private static String shown(String name) {
        String printable = name.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }

    private static int skipWhitespace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
