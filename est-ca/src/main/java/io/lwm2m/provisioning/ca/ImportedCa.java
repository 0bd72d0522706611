package io.lwm2m.provisioning.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** An existing issuing CA brought in by the operator; {@code chain.get(0)} is the issuing CA's certificate. */
public record ImportedCa(List<X509Certificate> chain, PrivateKey issuingKey) {

    public ImportedCa {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must contain at least the issuing CA certificate");
        }
        Objects.requireNonNull(issuingKey, "issuingKey");
    }

    public X509Certificate issuing() {
        return chain.get(0);
    }

    /** Names the certificates only: some JDK keys print their private parts in toString(). */
    @Override
    public String toString() {
        return "ImportedCa[chain=" + chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList()
                + ", issuingKey=<hidden>]";
    }
}
