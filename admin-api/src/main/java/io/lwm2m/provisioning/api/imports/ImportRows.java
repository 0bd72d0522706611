package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.crypto.RandomSecrets;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one record of an upload into a device to register, or says what is wrong with it. CSV
 * columns are named by the header row; NDJSON objects use the same names. Problems never quote a
 * key: a row may hold one.
 */
final class ImportRows {

    static final String ENDPOINT = "endpoint";
    static final String PROFILE = "profile";
    static final String MODE = "mode";
    static final String PSK_IDENTITY = "psk_identity";
    static final String PSK_KEY = "psk_key";
    static final String PUBLIC_KEY = "public_key";
    static final String CERTIFICATE = "certificate";
    static final String LABELS = "labels";
    static final List<String> COLUMNS = List.of(ENDPOINT, PROFILE, MODE, PSK_IDENTITY, PSK_KEY, PUBLIC_KEY, CERTIFICATE, LABELS);
    static final Set<String> REQUIRED = Set.of(ENDPOINT, PROFILE, MODE);
    static final int MAX_LABELS = 32;
    static final int MAX_LABEL_LENGTH = 64;
    /** The bootstrap credential modes a row may ask for, by lower-case name. */
    private static final Map<String, SecurityMode> MODES = Map.of("psk", SecurityMode.PSK, "rpk", SecurityMode.RPK,
            "x509", SecurityMode.X509);

    /** A parsed row: the device, or the endpoint (if readable) and the problem. */
    record Row(NewDevice device, String endpoint, String problem) {

        static Row invalid(String endpoint, String problem) {
            return new Row(null, endpoint, problem);
        }
    }

    private final List<String> header;
    private final JsonMapper json;

    /**
     * @param header the CSV column names in order; null for NDJSON
     */
    ImportRows(List<String> header, JsonMapper json) {
        this.header = header;
        this.json = json;
    }

    /** Checks a CSV header row; returns the column names, or throws with what is wrong. */
    static List<String> parseHeader(String record) {
        List<String> names = new ArrayList<>();
        for (String field : splitCsv(record)) {
            names.add(field.trim().toLowerCase(Locale.ROOT));
        }
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            if (!COLUMNS.contains(name)) {
                problems.add("unknown column '" + name + "' (columns: " + String.join(", ", COLUMNS) + ")");
            } else if (names.indexOf(name) != names.lastIndexOf(name)) {
                problems.add("column '" + name + "' appears twice");
            }
        }
        for (String required : REQUIRED) {
            if (!names.contains(required)) {
                problems.add("column '" + required + "' is required");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems.stream().distinct().toList()));
        }
        return names;
    }

    Row parse(String record) {
        Map<String, String> fields;
        if (header != null) {
            List<String> values = splitCsv(record);
            if (values == null) {
                return Row.invalid(null, "malformed CSV quoting");
            }
            if (values.size() != header.size()) {
                return Row.invalid(values.isEmpty() ? null : values.get(0).trim(),
                        "has " + values.size() + " fields, the header " + header.size());
            }
            fields = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                fields.put(header.get(i), values.get(i));
            }
        } else {
            fields = new LinkedHashMap<>();
            String problem = jsonFields(record, fields);
            if (problem != null) {
                return Row.invalid(fields.get(ENDPOINT), problem);
            }
        }
        return validate(fields);
    }

    private String jsonFields(String record, Map<String, String> fields) {
        JsonNode node;
        try {
            node = json.readTree(record);
        } catch (RuntimeException e) {
            return "not a JSON object";
        }
        if (node == null || !node.isObject()) {
            return "not a JSON object";
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            if (LABELS.equals(e.getKey()) && value.isArray()) {
                List<String> labels = new ArrayList<>();
                for (JsonNode label : value) {
                    if (!label.isString()) {
                        return "labels: must be strings";
                    }
                    labels.add(label.asString());
                }
                fields.put(LABELS, String.join(";", labels));
            } else if (value.isString()) {
                fields.put(e.getKey(), value.asString());
            } else {
                return e.getKey() + ": must be a string";
            }
        }
        for (String name : fields.keySet()) {
            if (!COLUMNS.contains(name)) {
                return "unknown field '" + name + "'";
            }
        }
        return null;
    }

    /** Validates the fields in place: blank values become null, the others are trimmed. */
    private static Row validate(Map<String, String> f) {
        f.replaceAll((k, v) -> v == null || v.isBlank() ? null : v.trim());
        String endpoint = f.get(ENDPOINT);
        List<String> problems = new ArrayList<>();
        if (endpoint == null) {
            problems.add("endpoint: is required");
        } else if (endpoint.length() > 255) {
            problems.add("endpoint: must be at most 255 characters");
            endpoint = null;
        } else if (endpoint.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c) || c == '/')) {
            problems.add("endpoint: must not contain whitespace, control characters or '/'");
        }
        String profile = f.get(PROFILE);
        if (profile == null) {
            problems.add("profile: is required");
        } else if (profile.length() > 64) {
            problems.add("profile: must be at most 64 characters");
        }
        SecurityMode mode = null;
        String modeName = f.get(MODE);
        if (modeName == null) {
            problems.add("mode: is required (psk, rpk or x509)");
        } else {
            mode = MODES.get(modeName.toLowerCase(Locale.ROOT));
            if (mode == null) {
                problems.add("mode: must be psk, rpk or x509");
            }
        }
        String identity = f.get(PSK_IDENTITY);
        String hexKey = f.get(PSK_KEY);
        byte[] key = null;
        if (identity != null || hexKey != null) {
            if (mode != SecurityMode.PSK) {
                problems.add("psk_identity: psk_identity and psk_key are for mode psk only");
            } else if (identity == null || hexKey == null) {
                problems.add((identity == null ? "psk_identity" : "psk_key")
                        + ": psk_identity and psk_key are supplied together, or both left empty to have them generated");
            } else {
                int identityBytes = identity.getBytes(StandardCharsets.UTF_8).length;
                if (identityBytes > 128 || identity.chars().anyMatch(Character::isISOControl)) {
                    problems.add("psk_identity: must be 1-128 bytes of UTF-8 without control characters");
                }
                try {
                    key = HexFormat.of().parseHex(hexKey);
                    if (key.length < RandomSecrets.MIN_PSK_BYTES || key.length > RandomSecrets.MAX_PSK_BYTES) {
                        problems.add("psk_key: must be " + RandomSecrets.MIN_PSK_BYTES + " to " + RandomSecrets.MAX_PSK_BYTES
                                + " bytes (" + RandomSecrets.MIN_PSK_BYTES * 2 + " to " + RandomSecrets.MAX_PSK_BYTES * 2
                                + " hex digits)");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("psk_key: must be hexadecimal (an even number of 0-9, a-f digits)");
                }
            }
        }
        PublicKey publicKey = null;
        if (f.get(PUBLIC_KEY) != null) {
            if (mode != SecurityMode.RPK) {
                problems.add("public_key: is for mode rpk only");
            } else {
                try {
                    publicKey = Pem.parsePublicKey(f.get(PUBLIC_KEY));
                } catch (RuntimeException e) {
                    problems.add("public_key: must be a PEM public key (SubjectPublicKeyInfo)");
                }
            }
        }
        boolean factoryCertificate = false;
        if (f.get(CERTIFICATE) != null) {
            if (mode != SecurityMode.X509) {
                problems.add("certificate: is for mode x509 only");
            } else {
                String problem = checkFactoryCertificate(f.get(CERTIFICATE), endpoint);
                if (problem != null) {
                    problems.add("certificate: " + problem);
                } else {
                    factoryCertificate = true;
                }
            }
        }
        List<String> labels = new ArrayList<>();
        if (f.get(LABELS) != null) {
            for (String label : f.get(LABELS).split(";")) {
                String l = label.trim();
                if (l.isEmpty()) {
                    continue;
                }
                if (l.length() > MAX_LABEL_LENGTH || l.chars().anyMatch(Character::isISOControl)) {
                    problems.add("labels: each label is 1-" + MAX_LABEL_LENGTH + " characters without control characters");
                    break;
                }
                if (!labels.contains(l)) {
                    labels.add(l);
                }
            }
            if (labels.size() > MAX_LABELS) {
                problems.add("labels: at most " + MAX_LABELS + " labels");
            }
        }
        if (!problems.isEmpty()) {
            return Row.invalid(endpoint, String.join("; ", problems));
        }
        return new Row(new NewDevice(endpoint, null, profile, null, mode, identity, key, factoryCertificate, publicKey, labels),
                endpoint, null);
    }

    /** A factory certificate must parse and name the endpoint (subject CN or a SAN URI); null if fine. */
    private static String checkFactoryCertificate(String pem, String endpoint) {
        X509Certificate certificate;
        try {
            List<X509Certificate> certificates = Pem.parseCertificates(pem);
            if (certificates.isEmpty()) {
                return "must be a PEM certificate";
            }
            certificate = certificates.get(0);
        } catch (RuntimeException e) {
            return "must be a PEM certificate";
        }
        if (endpoint == null) {
            return null;
        }
        String subject = certificate.getSubjectX500Principal().getName();
        boolean named = subject.contains("CN=" + endpoint + ",") || subject.endsWith("CN=" + endpoint);
        try {
            if (!named && certificate.getSubjectAlternativeNames() != null) {
                named = certificate.getSubjectAlternativeNames().stream()
                        .anyMatch(san -> Integer.valueOf(6).equals(san.get(0)) && endpoint.equals(san.get(1)));
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return "has unreadable subject alternative names";
        }
        return named ? null : "does not name the endpoint (subject CN or SAN URI)";
    }

    /** RFC 4180 fields of one record; null if its quoting is malformed. */
    static List<String> splitCsv(String record) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = record.length();
        while (true) {
            field.setLength(0);
            if (i < n && record.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        return null;
                    }
                    char c = record.charAt(i++);
                    if (c == '"') {
                        if (i < n && record.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < n && record.charAt(i) != ',') {
                    return null;
                }
            } else {
                int comma = record.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                field.append(record, i, end);
                if (field.indexOf("\"") >= 0) {
                    return null;
                }
                i = end;
            }
            fields.add(field.toString());
            if (i >= n) {
                return fields;
            }
            i++; // the comma
            if (i == n) {
                fields.add("");
                return fields;
            }
        }
    }
}
