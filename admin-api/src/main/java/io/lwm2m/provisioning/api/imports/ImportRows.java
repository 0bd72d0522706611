package io.lwm2m.provisioning.api.imports;

import io.lwm2m.provisioning.api.devices.DeviceFields;
import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.ca.Pem;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InputText;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
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
    /** The columns whose PEM values span lines. */
    static final Set<String> MULTILINE = Set.of(PUBLIC_KEY, CERTIFICATE);

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
    static List<String> parseHeader(List<String> fields) {
        List<String> names = new ArrayList<>();
        for (String field : fields) {
            String name = DeviceFields.trimSpaces(field);
            names.add(name == null ? "" : name.toLowerCase(Locale.ROOT));
        }
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            if (!COLUMNS.contains(name)) {
                problems.add("unknown column '" + printable(name) + "' (columns: " + String.join(", ", COLUMNS) + ")");
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

    /** The columns of {@code header} that may hold line breaks (PEM); other fields that do are a broken record. */
    static Set<Integer> multilineColumns(List<String> header) {
        Set<Integer> columns = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            if (MULTILINE.contains(header.get(i))) {
                columns.add(i);
            }
        }
        return columns;
    }

    /** A name as it can be quoted in a message: control and bidirectional formatting characters as \\uXXXX. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (InputText.isControl(c) || InputText.isBidiControl(c) || c == '\ufeff') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    Row parse(RecordReader.Record record) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (header != null) {
            List<String> values = record.fields();
            if (values.size() != header.size()) {
                return Row.invalid(values.isEmpty() ? null : DeviceFields.trimSpaces(values.get(0)),
                        "has " + values.size() + " fields, the header " + header.size());
            }
            for (int i = 0; i < values.size(); i++) {
                fields.put(header.get(i), values.get(i));
            }
        } else {
            String problem = jsonFields(record.text(), fields);
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

    /**
     * Validates the fields by the rules every device keeps to ({@link DeviceFields}): spaces around
     * a value are dropped and an empty value is absent; any other character the field may not hold
     * (a control character, say) is refused, never trimmed.
     */
    private static Row validate(Map<String, String> f) {
        f.replaceAll((k, v) -> DeviceFields.trimSpaces(v));
        FieldProblems problems = new FieldProblems();
        DeviceFields fields = new DeviceFields(DeviceFields.Names.IMPORT, problems);
        String endpoint = fields.endpoint(f.get(ENDPOINT));
        String profile = fields.profile(f.get(PROFILE));
        if (f.get(PROFILE) == null) {
            problems.add(PROFILE, "is required");
        }
        SecurityMode mode = fields.mode(f.get(MODE));
        byte[] key = fields.suppliedPsk(mode, f.get(PSK_IDENTITY), f.get(PSK_KEY));
        PublicKey publicKey = null;
        if (pem(problems, f, PUBLIC_KEY) != null) {
            if (mode != SecurityMode.RPK) {
                problems.add(PUBLIC_KEY, "is for mode rpk only");
            } else {
                try {
                    publicKey = Pem.parsePublicKey(f.get(PUBLIC_KEY));
                } catch (RuntimeException e) {
                    problems.add(PUBLIC_KEY, "must be a PEM public key (SubjectPublicKeyInfo)");
                }
            }
        }
        boolean factoryCertificate = false;
        if (pem(problems, f, CERTIFICATE) != null) {
            if (mode != SecurityMode.X509) {
                problems.add(CERTIFICATE, "is for mode x509 only");
            } else {
                String problem = checkFactoryCertificate(f.get(CERTIFICATE), endpoint);
                if (problem != null) {
                    problems.add(CERTIFICATE, problem);
                } else {
                    factoryCertificate = true;
                }
            }
        }
        List<String> labels = f.get(LABELS) == null ? List.of() : fields.labels(List.of(f.get(LABELS).split(";", -1)));
        if (!problems.isEmpty()) {
            String reported = endpoint != null ? endpoint : EndpointName.isValid(f.get(ENDPOINT)) ? f.get(ENDPOINT) : null;
            return Row.invalid(reported, String.join("; ", problems.list().stream().map(p -> p.field() + ": " + p.message()).toList()));
        }
        return new Row(new NewDevice(endpoint, null, profile, null, mode, f.get(PSK_IDENTITY), key, factoryCertificate, publicKey,
                labels), endpoint, null);
    }

    /** A PEM field's text if it holds only what PEM may (line breaks allowed); a problem and null otherwise. */
    private static String pem(FieldProblems problems, Map<String, String> f, String column) {
        String rule = InputText.problem(f.get(column));
        if (rule != null) {
            problems.add(column, rule);
            return null;
        }
        return f.get(column);
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
}
