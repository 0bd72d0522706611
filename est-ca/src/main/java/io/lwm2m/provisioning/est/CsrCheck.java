package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.crypto.EllipticCurveProvider;
import java.io.IOException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The CSR rules of RFC 9148 §3 / RFC 7030 §3.3.2 as this server applies them: well-formed DER,
 * a valid self-signature (proof of possession), a subject naming the endpoint, an allowed key, and
 * no extension requests beyond the few a device certificate may carry. Each failure names its rule.
 */
public final class CsrCheck {

    /** Extensions a CSR may request; the CA decides their values itself, except the SAN, which must name the endpoint. */
    private static final Set<ASN1ObjectIdentifier> ALLOWED_EXTENSIONS = Set.of(Extension.subjectAlternativeName,
            Extension.keyUsage, Extension.extendedKeyUsage, Extension.basicConstraints, Extension.subjectKeyIdentifier);
    private static final Set<ASN1ObjectIdentifier> ALLOWED_ATTRIBUTES = Set.of(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
            PKCSObjectIdentifiers.pkcs_9_at_challengePassword);

    /** Bouncy Castle's provider, used only here and not registered, for RSA CSRs. */
    private static final java.security.Provider VERIFIER = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    private static final DefaultAlgorithmNameFinder ALGORITHM_NAMES = new DefaultAlgorithmNameFinder();

    private CsrCheck() {
    }

    /** A parsed CSR whose signature was verified. */
    public record VerifiedCsr(byte[] der, PublicKey publicKey, List<String> commonNames, List<String> sanUris) {
    }

    /** Parses and checks the signature: {@code csr.malformed} or {@code csr.signature} otherwise. */
    public static VerifiedCsr verify(byte[] der) {
        if (der == null || der.length == 0) {
            throw bad("csr.malformed", "the request carries no PKCS#10 CSR");
        }
        JcaPKCS10CertificationRequest csr;
        PublicKey key;
        AsymmetricKeyParameter ecKey = null;
        try {
            csr = new JcaPKCS10CertificationRequest(der);
            // The parser accepts trailing garbage; a CSR is exactly one DER structure.
            if (csr.getEncoded().length != der.length) {
                throw bad("csr.malformed", "bytes after the end of the PKCS#10 structure");
            }
            key = csr.getPublicKey();
            if (key instanceof ECPublicKey) {
                // Bouncy Castle checks the point is on the curve here, whichever JCA provider parsed the key above.
                ecKey = PublicKeyFactory.createKey(csr.getSubjectPublicKeyInfo());
            }
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException e) {
            if (e instanceof EstException est) {
                throw est;
            }
            throw bad("csr.malformed", "not a DER PKCS#10 certification request with a usable public key ("
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            if (!signatureValid(csr, key, ecKey)) {
                throw bad("csr.signature", "the CSR's signature does not verify with its public key (no proof of possession)");
            }
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException | IOException
                | RuntimeException e) {
            if (e instanceof EstException est) {
                throw est;
            }
            // Bouncy Castle throws IllegalStateException for a signature BIT STRING that is not octet-aligned (found by CsrFuzzTest).
            throw bad("csr.signature", "the CSR's signature cannot be checked: " + e.getMessage());
        }
        try {
            return names(csr, der, key);
        } catch (ClassCastException | IllegalArgumentException | IllegalStateException e) {
            throw bad("csr.malformed", "the CSR's subject or extensions are not of the expected types ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The subject's common names and the requested subjectAltName URIs, once the attributes and extensions are allowed. */
    private static VerifiedCsr names(JcaPKCS10CertificationRequest csr, byte[] der, PublicKey key) {
        List<String> commonNames = new ArrayList<>();
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            commonNames.add(((ASN1String) rdn.getFirst().getValue()).getString());
        }
        List<String> sanUris = new ArrayList<>();
        for (Attribute attribute : csr.getAttributes()) {
            if (!ALLOWED_ATTRIBUTES.contains(attribute.getAttrType())) {
                throw bad("csr.attribute", "attribute " + attribute.getAttrType() + " is not accepted");
            }
        }
        Extensions extensions = csr.getRequestedExtensions();
        if (extensions != null) {
            for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                if (!ALLOWED_EXTENSIONS.contains(oid)) {
                    throw bad("csr.extension", "extension " + oid + " may not be requested; allowed: subjectAltName, keyUsage, "
                            + "extendedKeyUsage, basicConstraints (not a CA), subjectKeyIdentifier");
                }
            }
            BasicConstraints constraints = BasicConstraints.fromExtensions(extensions);
            if (constraints != null && constraints.isCA()) {
                throw new EstException(EstException.Status.FORBIDDEN, "csr.extension", "a device may not request a CA certificate");
            }
            GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (names != null) {
                for (GeneralName name : names.getNames()) {
                    if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
                        throw bad("csr.extension", "subjectAltName may only carry a URI naming the endpoint");
                    }
                    sanUris.add(((ASN1String) name.getName()).getString());
                }
            }
        }
        return new VerifiedCsr(der.clone(), key, List.copyOf(commonNames), List.copyOf(sanUris));
    }

    /**
     * With BoringSSL's arithmetic installed, the signature is checked once through the JCA, 3 times faster
     * than Bouncy Castle. Not through Bouncy Castle's JCA verifier: where the provider offers
     * {@code NONEwithECDSA} it checks the raw signature and then, for PKCS#11's sake, the whole signature a
     * second time.
     */
    private static boolean signatureValid(JcaPKCS10CertificationRequest csr, PublicKey key, AsymmetricKeyParameter ecKey)
            throws OperatorCreationException, PKCSException, java.security.GeneralSecurityException, IOException {
        if (ecKey == null || !EllipticCurveProvider.nativeInstalled()) {
            return csr.isSignatureValid(verifier(key, ecKey));
        }
        Signature signature = Signature.getInstance(ALGORITHM_NAMES.getAlgorithmName(csr.getSignatureAlgorithm()));
        signature.initVerify(key);
        signature.update(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
        return signature.verify(csr.getSignature());
    }

    /**
     * Without BoringSSL's arithmetic, EC signatures are checked with Bouncy Castle's lightweight API straight
     * from the CSR's SubjectPublicKeyInfo: half the cost of going through a JCA provider, which first
     * converts the JDK key, and several times cheaper than the JDK 17 ECDSA. RSA goes through Bouncy
     * Castle's provider.
     */
    private static ContentVerifierProvider verifier(PublicKey key, AsymmetricKeyParameter ecKey) throws OperatorCreationException {
        if (ecKey != null) {
            return new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder()).build(ecKey);
        }
        return new JcaContentVerifierProviderBuilder().setProvider(VERIFIER).build(key);
    }

    /**
     * The subject must name the endpoint (every CN and SAN URI it carries; at least one):
     * {@code csr.subject} otherwise.
     *
     * @param endpointUri the SAN URI the CA writes for this endpoint
     */
    public static void checkSubject(VerifiedCsr csr, String endpoint, String endpointUri) {
        List<String> names = new ArrayList<>(csr.commonNames());
        names.addAll(csr.sanUris());
        if (names.isEmpty()) {
            throw forbidden("csr.subject", "the CSR names no subject; its CN (or SAN URI) must be the endpoint '" + endpoint + "'");
        }
        for (String name : names) {
            if (!name.equals(endpoint) && !name.equals(endpointUri)) {
                throw forbidden("csr.subject", "the CSR names '" + name + "', but the authenticated client is endpoint '"
                        + endpoint + "'");
            }
        }
    }

    /** The CSR's key type, if the policy allows it: {@code csr.key-type} otherwise. */
    public static KeyAlgorithm checkKeyType(VerifiedCsr csr, EstPolicy policy) {
        KeyAlgorithm algorithm;
        try {
            algorithm = KeyAlgorithm.of(csr.publicKey());
        } catch (IllegalArgumentException e) {
            throw forbidden("csr.key-type", e.getMessage() + "; allowed: " + names(policy));
        }
        if (!policy.keyTypes().contains(algorithm)) {
            throw forbidden("csr.key-type", "key type " + algorithm + " is not allowed by the profile; allowed: " + names(policy));
        }
        return algorithm;
    }

    private static String names(EstPolicy policy) {
        return policy.keyTypes().stream().sorted().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static EstException bad(String rule, String message) {
        return new EstException(EstException.Status.BAD_REQUEST, rule, message);
    }

    private static EstException forbidden(String rule, String message) {
        return new EstException(EstException.Status.FORBIDDEN, rule, message);
    }
}
