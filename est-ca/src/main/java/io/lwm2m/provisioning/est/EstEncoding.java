package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.ca.KeyAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.est.AttrOrOID;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;
import org.bouncycastle.util.Store;
import tools.jackson.core.JsonGenerator;
import tools.jackson.dataformat.cbor.CBORFactory;

/** The EST payloads: certs-only CMS, CSR attributes and CoAP multipart-core. */
public final class EstEncoding {

    /** CoAP Content-Formats of RFC 9148 §8.3 and RFC 8710. */
    public static final int PKCS7_CERTS_ONLY = 281;
    public static final int PKCS8 = 284;
    public static final int CSR_ATTRS = 285;
    public static final int PKCS10 = 286;
    public static final int PKIX_CERT = 287;
    public static final int MULTIPART_CORE = 62;

    /** Thread-safe; each call takes a generator whose buffers come from the factory's recycler pool. */
    private static final CBORFactory CBOR = new CBORFactory();

    private EstEncoding() {
    }

    /** A degenerate SignedData ("certs-only", RFC 5751 / RFC 7030 §4.1.3) holding {@code certificates}. */
    public static byte[] certsOnly(List<X509Certificate> certificates) {
        try {
            return certsOnly(new JcaCertStore(certificates));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certs-only message", e);
        }
    }

    /** A certs-only message holding one certificate this CA just built, taken as built (no JDK parse). */
    public static byte[] certsOnly(BuiltCertificate certificate) {
        return certsOnly(new CollectionStore<>(List.of(certificate.holder())));
    }

    private static byte[] certsOnly(Store<X509CertificateHolder> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(certificates);
            return generator.generate(new CMSAbsentContent()).getEncoded("DER");
        } catch (CMSException e) {
            throw new IllegalStateException("cannot encode a certs-only message", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CSR attributes (RFC 7030 §4.5.2, RFC 9148 {@code att}): the CN and the SAN URI the CSR must
     * carry, the allowed key types (id-ecPublicKey with its curves, rsaEncryption with its sizes)
     * and the signature algorithm expected.
     */
    public static byte[] csrAttributes(String endpoint, String endpointUri, Set<KeyAlgorithm> keyTypes) {
        List<AttrOrOID> items = new ArrayList<>();
        items.add(new AttrOrOID(new Attribute(BCStyle.CN, new DERSet(new DERUTF8String(endpoint)))));
        try {
            Extensions san = new Extensions(new Extension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, endpointUri)).getEncoded("DER")));
            items.add(new AttrOrOID(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, new DERSet(san))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ASN1EncodableVector curves = new ASN1EncodableVector();
        ASN1EncodableVector rsaSizes = new ASN1EncodableVector();
        for (KeyAlgorithm type : keyTypes.stream().sorted().toList()) {
            switch (type) {
                case EC_P256 -> curves.add(SECObjectIdentifiers.secp256r1);
                case EC_P384 -> curves.add(SECObjectIdentifiers.secp384r1);
                case RSA_2048 -> rsaSizes.add(new ASN1Integer(2048));
                case RSA_3072 -> rsaSizes.add(new ASN1Integer(3072));
            }
        }
        if (curves.size() > 0) {
            items.add(new AttrOrOID(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(curves))));
            items.add(new AttrOrOID(X9ObjectIdentifiers.ecdsa_with_SHA256));
        }
        if (rsaSizes.size() > 0) {
            items.add(new AttrOrOID(new Attribute(PKCSObjectIdentifiers.rsaEncryption, new DERSet(rsaSizes))));
            items.add(new AttrOrOID(PKCSObjectIdentifiers.sha256WithRSAEncryption));
        }
        try {
            return new CsrAttrs(items.toArray(new AttrOrOID[0])).getEncoded("DER");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * RFC 8710 multipart-core: a CBOR array of (content-format, byte string) pairs, written by
     * Jackson's CBOR generator (definite lengths, shortest argument forms, as RFC 8949 §4.2.1 wants).
     */
    public static byte[] multipartCore(int format1, byte[] part1, int format2, byte[] part2) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(part1.length + part2.length + 16);
        try (JsonGenerator cbor = CBOR.createGenerator(out)) {
            cbor.writeStartArray(null, 4);
            cbor.writeNumber(format1);
            cbor.writeBinary(part1);
            cbor.writeNumber(format2);
            cbor.writeBinary(part2);
            cbor.writeEndArray();
        }
        return out.toByteArray();
    }
}
