package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import io.lwm2m.provisioning.cli.terminal.CommandFailedException;
import io.lwm2m.provisioning.cli.terminal.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code crl}: downloads the CA's current CRL (no API key needed) and says what it holds. */
@Command(name = "crl", mixinStandardHelpOptions = true, sortOptions = false, description = "Downloads the CA's current certificate "
        + "revocation list (GET /api/v1/ca/crl, no API key needed) and lists what it revokes.")
public final class CrlCommand implements Callable<Integer> {

    private final CliContext context;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write it (default: crl.der, or crl.pem with --pem).")
    private Path out;

    @Option(names = "--pem", description = "PEM instead of DER.")
    private boolean pem;

    @Mixin
    private ApiOptions apiOptions;

    public CrlCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        AdminApi api = apiOptions.anonymous();
        byte[] body;
        try (InputStream in = api.stream("api/v1/ca/crl", pem ? "application/x-pem-file" : "application/pkix-crl").body()) {
            body = in.readAllBytes();
        }
        X509CRL crl = parse(body);
        Path target = out != null ? out : Path.of(pem ? "crl.pem" : "crl.der");
        Files.write(target, body);
        Set<? extends X509CRLEntry> revoked = crl.getRevokedCertificates();
        context.out().printf("CRL number %s of %s, issued %s, next update %s: %d revoked certificate(s); written to %s%n", number(crl),
                crl.getIssuerX500Principal().getName(), crl.getThisUpdate().toInstant(),
                crl.getNextUpdate() == null ? "-" : crl.getNextUpdate().toInstant(), revoked == null ? 0 : revoked.size(), target);
        if (revoked != null) {
            revoked.stream().sorted((a, b) -> a.getRevocationDate().compareTo(b.getRevocationDate()))
                    .forEach(e -> context.out().printf("  serial %s revoked %s%s%n", e.getSerialNumber().toString(16),
                            e.getRevocationDate().toInstant(), e.getRevocationReason() == null ? "" : " (" + e.getRevocationReason() + ")"));
        }
        return ExitCode.OK;
    }

    private static X509CRL parse(byte[] body) throws CertificateException {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(body));
        } catch (CRLException e) {
            throw new CommandFailedException("the server's answer is no CRL: " + e.getMessage());
        }
    }

    private static String number(X509CRL crl) {
        byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (extension == null) {
            return "-";
        }
        BigInteger value = ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getValue();
        return value.toString();
    }
}
