package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The CA's configuration ({@code provisioning.ca.*}, documented in the README). */
@Component
class CaSettings {

    private final String mode;
    private final String keyAlgorithm;
    private final String name;
    private final String organization;
    private final Duration rootValidity;
    private final Duration issuingValidity;
    private final Duration deviceValidity;
    private final Duration serverValidity;
    private final String publicBaseUrl;
    private final String importChain;
    private final String importKey;
    private final String importPkcs12;
    private final String importPkcs12Password;
    private final String pkcs11Config;
    private final String pkcs11Pin;
    private final String pkcs11Alias;

    CaSettings(@Value("${provisioning.ca.mode:generate}") String mode,
            @Value("${provisioning.ca.key-algorithm:EC_P256}") String keyAlgorithm,
            @Value("${provisioning.ca.name:LwM2M Provisioning}") String name,
            @Value("${provisioning.ca.organization:LwM2M Provisioning Server}") String organization,
            @Value("${provisioning.ca.root-validity:3650d}") Duration rootValidity,
            @Value("${provisioning.ca.issuing-validity:1825d}") Duration issuingValidity,
            @Value("${provisioning.ca.device-validity:365d}") Duration deviceValidity,
            @Value("${provisioning.ca.server-validity:365d}") Duration serverValidity,
            @Value("${provisioning.ca.public-base-url:http://localhost:8080}") String publicBaseUrl,
            @Value("${provisioning.ca.import.chain:}") String importChain,
            @Value("${provisioning.ca.import.key:}") String importKey,
            @Value("${provisioning.ca.import.pkcs12:}") String importPkcs12,
            @Value("${provisioning.ca.import.pkcs12-password:}") String importPkcs12Password,
            @Value("${provisioning.ca.pkcs11.config:}") String pkcs11Config,
            @Value("${provisioning.ca.pkcs11.pin:}") String pkcs11Pin,
            @Value("${provisioning.ca.pkcs11.alias:}") String pkcs11Alias) {
        this.mode = mode.trim().toLowerCase();
        this.keyAlgorithm = keyAlgorithm;
        this.name = name;
        this.organization = organization;
        this.rootValidity = rootValidity;
        this.issuingValidity = issuingValidity;
        this.deviceValidity = deviceValidity;
        this.serverValidity = serverValidity;
        this.publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
        this.importChain = importChain;
        this.importKey = importKey;
        this.importPkcs12 = importPkcs12;
        this.importPkcs12Password = importPkcs12Password;
        this.pkcs11Config = pkcs11Config;
        this.pkcs11Pin = pkcs11Pin;
        this.pkcs11Alias = pkcs11Alias;
    }

    String mode() {
        return mode;
    }

    KeyAlgorithm keyAlgorithm() {
        return KeyAlgorithm.fromName(keyAlgorithm).orElseThrow(() -> new IllegalStateException(
                "provisioning.ca.key-algorithm must be EC_P256, EC_P384, RSA_2048 or RSA_3072, not '" + keyAlgorithm + "'"));
    }

    String name() {
        return name;
    }

    String organization() {
        return organization;
    }

    Duration rootValidity() {
        return rootValidity;
    }

    Duration issuingValidity() {
        return issuingValidity;
    }

    Duration deviceValidity() {
        return deviceValidity;
    }

    Duration serverValidity() {
        return serverValidity;
    }

    /** Where relying parties fetch the CRL: the URL every certificate's CRL distribution point names. */
    URI crlUrl() {
        return URI.create(publicBaseUrl + "/api/v1/ca/crl");
    }

    Path importChain() {
        return required(importChain, "provisioning.ca.import.chain");
    }

    Path importKey() {
        return required(importKey, "provisioning.ca.import.key");
    }

    Path importPkcs12() {
        return importPkcs12.isBlank() ? null : Path.of(importPkcs12);
    }

    String importPkcs12Password() {
        return importPkcs12Password;
    }

    Path pkcs11Config() {
        return required(pkcs11Config, "provisioning.ca.pkcs11.config");
    }

    String pkcs11Pin() {
        return pkcs11Pin;
    }

    String pkcs11Alias() {
        if (pkcs11Alias.isBlank()) {
            throw new IllegalStateException("provisioning.ca.pkcs11.alias names the CA key in the HSM; it is not set");
        }
        return pkcs11Alias;
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
        return "CaSettings[mode=" + mode + ", keyAlgorithm=" + keyAlgorithm + "]";
    }
}
