package io.lwm2m.provisioning.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, the request target sent byte for byte
 * as given: Java's HTTP client refuses to send the malformed targets a hostile client would (a
 * raw '\', '|', broken percent-encoding), so this is how the tests reach Tomcat's own refusals.
 */
final class RawHttp {

    /** An answer: status (0 when the server sent no status line), lower-case headers, body (de-chunked). */
    record Answer(int status, Map<String, String> headers, String body) {

        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        boolean isProblem() {
            return contentType().startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code method target} with the given headers (name, value, ...) and body (null: none),
     * to the server at {@code baseUrl}.
     */
    static Answer send(String baseUrl, String method, String target, byte[] body, String... headers) {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.writeBytes((headers[i] + ": " + headers[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (body != null) {
                request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                request.writeBytes(body);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target, e);
        }
    }

    private static Answer parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/")) {
            // An HTTP/0.9-style answer: no status line, no headers.
            return new Answer(0, Map.of(), new String(raw, StandardCharsets.UTF_8));
        }
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end < 0 ? text.length() : end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] body = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(new java.io.ByteArrayInputStream(body));
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    size.append((char) c);
                }
            }
            int semicolon = size.indexOf(";");
            String hex = (semicolon < 0 ? size.toString() : size.substring(0, semicolon)).trim();
            if (hex.isEmpty()) {
                return out.toByteArray();
            }
            int n = Integer.parseInt(hex, 16);
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            in.readNBytes(2);
        }
    }
}
