package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * {@code provisioning.ca.*}: the certificate authority (README, "Certificate authority"). Checked at
 * start; the files an import or an HSM needs are read, and required, only when the CA is first created.
 *
 * @param mode            {@code generate} a root and issuing CA, {@code import} one (PEM or PKCS#12), or use
 *                        one whose key stays in an HSM ({@code pkcs11})
 * @param keyAlgorithm    of a generated CA: EC_P256, EC_P384, RSA_2048 or RSA_3072
 * @param name            the common name of a generated CA
 * @param organization    the organization of a generated CA
 * @param rootValidity    of a generated root
 * @param issuingValidity of a generated issuing CA
 * @param deviceValidity  of a device certificate
 * @param serverValidity  of a server certificate
 * @param publicBaseUrl   where relying parties reach this server's HTTP API: the CRL distribution point
 *                        every certificate names is below it
 * @param imported        {@code provisioning.ca.import.*}: the CA to import
 * @param pkcs11          {@code provisioning.ca.pkcs11.*}: the HSM holding the CA key
 */
@ConfigurationProperties("provisioning.ca")
public record CaSettings(
        @DefaultValue("generate") String mode,
        @DefaultValue("EC_P256") String keyAlgorithm,
        @DefaultValue("LwM2M Provisioning") String name,
        @DefaultValue("LwM2M Provisioning Server") String organization,
        @DefaultValue("3650d") Duration rootValidity,
        @DefaultValue("1825d") Duration issuingValidity,
        @DefaultValue("365d") Duration deviceValidity,
        @DefaultValue("365d") Duration serverValidity,
        @DefaultValue("http://localhost:8080") String publicBaseUrl,
        @Name("import") @DefaultValue Import imported,
        @DefaultValue Pkcs11 pkcs11) {

    private static final List<String> MODES = List.of("generate", "import", "pkcs11");

    public CaSettings {
        mode = mode.trim().toLowerCase();
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("provisioning.ca.mode must be generate, import or pkcs11, not '" + mode + "'");
        }
        if (KeyAlgorithm.fromName(keyAlgorithm).isEmpty()) {
            throw new IllegalArgumentException("provisioning.ca.key-algorithm must be EC_P256, EC_P384, RSA_2048 or RSA_3072, not '"
                    + keyAlgorithm + "'");
        }
        for (Duration validity : List.of(rootValidity, issuingValidity, deviceValidity, serverValidity)) {
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("provisioning.ca.*-validity must be positive durations, not " + validity);
            }
        }
        publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
        URI.create(publicBaseUrl); // an IllegalArgumentException names the offending URL
    }

    KeyAlgorithm algorithm() {
        return KeyAlgorithm.fromName(keyAlgorithm).orElseThrow();
    }

    /** Where relying parties fetch the CRL: the URL every certificate's CRL distribution point names. */
    URI crlUrl() {
        return URI.create(publicBaseUrl + "/api/v1/ca/crl");
    }

    /**
     * {@code provisioning.ca.import.*}: PEM files ({@code chain}, issuing CA first, and its {@code key})
     * or one PKCS#12 file with its password.
     */
    public record Import(@DefaultValue("") String chain, @DefaultValue("") String key,
            @DefaultValue("") String pkcs12, @DefaultValue("") String pkcs12Password) {

        Path chainFile() {
            return required(chain, "provisioning.ca.import.chain");
        }

        Path keyFile() {
            return required(key, "provisioning.ca.import.key");
        }

        /** The PKCS#12 file, null when the PEM files are used. */
        Path pkcs12File() {
            return pkcs12.isBlank() ? null : Path.of(pkcs12);
        }

        private static Path required(String value, String property) {
            if (value.isBlank()) {
                throw new IllegalStateException(property + " is required for provisioning.ca.mode=import (PEM), or set "
                        + "provisioning.ca.import.pkcs12");
            }
            return Path.of(value);
        }

        @Override
        public String toString() {
            return "Import[chain=" + chain + ", key=" + key + ", pkcs12=" + pkcs12 + ", pkcs12Password=(hidden)]";
        }
    }

    /** {@code provisioning.ca.pkcs11.*}: the SunPKCS11 {@code config} file, the token's {@code pin} and the key's {@code alias}. */
    public record Pkcs11(@DefaultValue("") String config, @DefaultValue("") String pin, @DefaultValue("") String alias) {

        Path configFile() {
            if (config.isBlank()) {
                throw new IllegalStateException("provisioning.ca.pkcs11.config names the SunPKCS11 configuration; it is not set");
            }
            return Path.of(config);
        }

        String keyAlias() {
            if (alias.isBlank()) {
                throw new IllegalStateException("provisioning.ca.pkcs11.alias names the CA key in the HSM; it is not set");
            }
            return alias;
        }

        @Override
        public String toString() {
            return "Pkcs11[config=" + config + ", pin=(hidden), alias=" + alias + "]";
        }
    }
}
