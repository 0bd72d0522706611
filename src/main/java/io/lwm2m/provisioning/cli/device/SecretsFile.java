package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.cli.device.client.DeviceCredentials;
import io.lwm2m.provisioning.cli.device.client.DeviceIdentity;
import io.lwm2m.provisioning.crypto.Der;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * An import's secrets file as {@code GET /api/v1/imports/{id}/secrets} hands it out: a CSV with
 * {@code line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate}, one row per
 * generated secret; the rows with an empty {@code server} are the devices' bootstrap credentials
 * (PSK: identity and hex key; RPK: base64 PKCS#8 private key; X509: that and the base64 DER
 * certificate). A row that cannot be read is kept as such, with its reason.
 */
final class SecretsFile {

    static final String HEADER = "line,endpoint,server,mode,psk_identity,psk_key,private_key,certificate";

    /** One bootstrap credential of the file: its device, or why it cannot be used. */
    record Row(long fileLine, String importLine, String endpoint, DeviceIdentity device, String problem) {
    }

    private SecretsFile() {
    }

    /** Every bootstrap-credential row of {@code file}, in file order, at most {@code limit} (0: all). */
    static List<Row> bootstrapRows(Path file, int limit) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.replace("\uFEFF", "").trim().equals(HEADER)) {
                throw new IllegalArgumentException(file + " is not an import's secrets file: its first line must be " + HEADER);
            }
            String line;
            long number = 1;
            while ((line = reader.readLine()) != null && (limit <= 0 || rows.size() < limit)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = fields(line);
                if (fields.size() != 8) {
                    rows.add(new Row(number, "?", "?", null, "line " + number + " has " + fields.size() + " fields, not 8"));
                } else if (fields.get(2).isEmpty()) {
                    rows.add(row(number, fields));
                }
            }
        }
        return rows;
    }

    private static Row row(long number, List<String> f) {
        String endpoint = f.get(1);
        try {
            DeviceCredentials credentials = switch (f.get(3)) {
                case "PSK" -> new DeviceCredentials.Psk(f.get(4), Keys.pskKey(f.get(5)));
                case "RPK" -> {
                    PrivateKey key = Der.privateKey(Base64.getDecoder().decode(f.get(6)));
                    yield new DeviceCredentials.Rpk(key, Keys.publicKeyOf(key));
                }
                case "X509" -> new DeviceCredentials.X509(Der.privateKey(Base64.getDecoder().decode(f.get(6))),
                        List.of(Der.certificate(Base64.getDecoder().decode(f.get(7)))));
                default -> throw new IllegalArgumentException("mode " + f.get(3) + " is not PSK, RPK or X509");
            };
            return new Row(number, f.get(0), endpoint, new DeviceIdentity(endpoint, credentials), null);
        } catch (IllegalArgumentException e) {
            // Never the value itself: it is a secret.
            return new Row(number, f.get(0), endpoint, null, "unreadable " + f.get(3) + " credential (" + e.getMessage() + ")");
        }
    }

    /** The fields of one RFC 4180 line (quoted fields with doubled quotes; no line breaks inside: the file has none). */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
