package io.lwm2m.provisioning.cli.device;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.cli.device.client.SimulatedClient.Version;
import java.util.Locale;

/**
 * Which LwM2M client the simulator plays: 1.0 sends no {@code pct} and gets TLV; 1.1 asks for
 * SenML-CBOR (or the format chosen); 1.2 asks for LwM2M-CBOR (or the format chosen) and may send a
 * Bootstrap-Pack-Request first.
 *
 * @param pct the Content-Format asked for; null for none (1.0)
 */
record Flavour(Version version, Integer pct, boolean pack) {

    static Flavour of(String lwm2m, String format, boolean pack) {
        Version version = switch (lwm2m) {
            case "1.0" -> Version.V1_0;
            case "1.1" -> Version.V1_1;
            case "1.2" -> Version.V1_2;
            default -> throw new IllegalArgumentException("--lwm2m must be 1.0, 1.1 or 1.2, not " + lwm2m);
        };
        Integer pct = format == null ? null : contentFormat(format);
        if (version == Version.V1_0) {
            if (pct != null && pct != ContentFormat.TLV) {
                throw new IllegalArgumentException("an LwM2M 1.0 client sends no pct and takes TLV: --format " + format
                        + " needs --lwm2m 1.1 or 1.2");
            }
            if (pack) {
                throw new IllegalArgumentException("--pack (Bootstrap-Pack-Request) needs --lwm2m 1.2");
            }
            return new Flavour(version, null, false);
        }
        if (version == Version.V1_1) {
            if (pack) {
                throw new IllegalArgumentException("--pack (Bootstrap-Pack-Request) needs --lwm2m 1.2");
            }
            if (pct != null && pct == ContentFormat.LWM2M_CBOR) {
                throw new IllegalArgumentException("LwM2M-CBOR is a 1.2 format: use --lwm2m 1.2");
            }
            return new Flavour(version, pct == null ? ContentFormat.SENML_CBOR : pct, false);
        }
        if (pack && pct != null && pct == ContentFormat.TLV) {
            throw new IllegalArgumentException("a Bootstrap-Pack cannot be TLV: choose LWM2M_CBOR, SENML_CBOR or SENML_JSON");
        }
        return new Flavour(version, pct == null ? ContentFormat.LWM2M_CBOR : pct, pack);
    }

    static int contentFormat(String name) {
        return switch (name.toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "TLV", "11542" -> ContentFormat.TLV;
            case "SENML_JSON", "110" -> ContentFormat.SENML_JSON;
            case "SENML_CBOR", "112" -> ContentFormat.SENML_CBOR;
            case "LWM2M_CBOR", "11544" -> ContentFormat.LWM2M_CBOR;
            default -> throw new IllegalArgumentException("--format must be TLV, SENML_JSON, SENML_CBOR or LWM2M_CBOR, not " + name);
        };
    }

    /** "LwM2M 1.1, pct=112 (SenML-CBOR)". */
    String describe() {
        String format = pct == null ? "no pct (TLV)" : (pack ? "Bootstrap-Pack-Request, Accept " : "pct=") + pct + " ("
                + formatName(pct) + ")";
        return "LwM2M " + version.text() + ", " + format;
    }

    static String formatName(int contentFormat) {
        return switch (contentFormat) {
            case ContentFormat.TLV -> "TLV";
            case ContentFormat.SENML_JSON -> "SenML-JSON";
            case ContentFormat.SENML_CBOR -> "SenML-CBOR";
            default -> "LwM2M-CBOR";
        };
    }
}
