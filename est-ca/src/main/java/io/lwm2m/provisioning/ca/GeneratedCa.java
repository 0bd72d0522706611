package io.lwm2m.provisioning.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A freshly generated two-level CA: the root, and the issuing CA it signed that signs device certificates. */
public record GeneratedCa(X509Certificate root, PrivateKey rootKey, X509Certificate issuing, PrivateKey issuingKey) {

    public GeneratedCa {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(issuing, "issuing");
        Objects.requireNonNull(issuingKey, "issuingKey");
    }

    /** The chain a TLS peer sends: issuing CA first, then the root. */
    public List<X509Certificate> chain() {
        return List.of(issuing, root);
    }

    /** Names the certificates only: some JDK keys print their private parts in toString(). */
    @Override
    public String toString() {
        return "GeneratedCa[root=" + root.getSubjectX500Principal().getName()
                + ", issuing=" + issuing.getSubjectX500Principal().getName() + ", keys=<hidden>]";
    }
}
