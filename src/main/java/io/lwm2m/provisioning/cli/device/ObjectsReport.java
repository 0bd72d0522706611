package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.cli.device.client.ObjectModel;
import io.lwm2m.provisioning.crypto.Der;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;

/**
 * Prints the Security, Server and Access Control objects a simulated client holds, resource by
 * resource with the OMA names. Secret keys (/0/x/5, /0/x/8) are masked unless asked for; identities,
 * public keys and certificates are described (a PSK identity as text, a key by its fingerprint, a
 * certificate by subject, serial and validity).
 */
final class ObjectsReport {

    private static final Map<Long, String> MODES = Map.of(0L, "PSK", 1L, "RPK", 2L, "Certificate", 3L, "NoSec",
            4L, "Certificate with EST");

    private final PrintWriter out;
    private final boolean showSecrets;

    ObjectsReport(PrintWriter out, boolean showSecrets) {
        this.out = out;
        this.showSecrets = showSecrets;
    }

    /** Object {@code objectId}'s instances, or a line saying there are none. */
    void print(int objectId, SortedMap<Integer, SortedMap<Integer, Object>> instances) {
        if (instances.isEmpty()) {
            out.println(ObjectModel.objectName(objectId) + " (/" + objectId + "): no instances");
            return;
        }
        instances.forEach((id, resources) -> {
            boolean account = objectId == 0 && Boolean.TRUE.equals(resources.get(1));
            out.println(ObjectModel.objectName(objectId) + " /" + objectId + "/" + id + (account ? "  (bootstrap-server account)" : ""));
            Object mode = resources.get(2);
            resources.forEach((resource, value) -> out.printf("  %3d  %-46s %s%n", resource,
                    ObjectModel.resource(objectId, resource).name(), format(objectId, resource, value, mode)));
        });
    }

    private String format(int objectId, int resource, Object value, Object mode) {
        if (value instanceof SortedMap<?, ?> instances) {
            StringBuilder text = new StringBuilder();
            instances.forEach((k, v) -> text.append(text.isEmpty() ? "" : ", ").append('[').append(k).append("]=").append(v));
            return text.toString();
        }
        if (!(value instanceof byte[] bytes)) {
            return objectId == 0 && resource == 2 && MODES.containsKey(value) ? value + " (" + MODES.get(value) + ")" : String.valueOf(value);
        }
        if (bytes.length == 0) {
            return "(empty)";
        }
        if (objectId == 0 && (resource == 5 || resource == 8)) {
            if (!showSecrets) {
                return "******** (" + bytes.length + " bytes, masked; --show-secrets prints it)";
            }
            return Long.valueOf(0).equals(mode) ? HexFormat.of().formatHex(bytes) + " (hex)" : Base64.getEncoder().encodeToString(bytes)
                    + " (base64 PKCS#8)";
        }
        if (objectId == 0 && (resource == 3 || resource == 4)) {
            return describeKeyMaterial(bytes, mode, resource);
        }
        return hex(bytes);
    }

    private static String describeKeyMaterial(byte[] bytes, Object mode, int resource) {
        if (Long.valueOf(0).equals(mode) && resource == 3) {
            String text = utf8(bytes);
            return text != null ? "\"" + text + "\" (PSK identity)" : hex(bytes);
        }
        try {
            X509Certificate certificate = Der.certificate(bytes);
            return "certificate " + certificate.getSubjectX500Principal().getName() + ", serial "
                    + certificate.getSerialNumber().toString(16) + ", valid " + certificate.getNotBefore().toInstant() + " to "
                    + certificate.getNotAfter().toInstant();
        } catch (IllegalArgumentException notACertificate) {
            try {
                PublicKey key = Der.publicKey(bytes);
                return key.getAlgorithm() + " public key, SHA-256 " + sha256(bytes);
            } catch (IllegalArgumentException notAKey) {
                return hex(bytes);
            }
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.chars().allMatch(c -> c >= 0x20 && c != 0x7F) ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8) + "...";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return bytes.length <= 32 ? HexFormat.of().formatHex(bytes) + " (hex)"
                : HexFormat.of().formatHex(bytes, 0, 32) + "... (" + bytes.length + " bytes)";
    }
}
