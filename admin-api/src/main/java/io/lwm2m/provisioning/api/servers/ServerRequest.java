package io.lwm2m.provisioning.api.servers;

import io.lwm2m.provisioning.api.openapi.Required;
import io.lwm2m.provisioning.bootstrap.events.SubscriptionSpec;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.NewDmServer;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.net.URI;
import java.net.URISyntaxException;
import io.lwm2m.provisioning.ca.Pem;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The body of {@code POST /api/v1/servers}, as sent: every field checked by {@link #validate()}. */
public record ServerRequest(@Required String name, @Required String uri, @Required Integer shortServerId,
        @Required Integer lifetime, @Required String binding, @Required String securityMode, Boolean notificationStoring, String serverPublicKey, String serverCertificate,
        String rotationWebhookUrl) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** LwM2M 1.0 and 1.1 binding letters, each at most once, queue mode 'Q' not first. */
    private static final Pattern BINDING = Pattern.compile("(?!.*(.).*\\1)[UTSN][UTSNQ]{0,4}");

    /** Checks every field and names each one that breaks a rule. */
    public NewDmServer validate() {
        FieldProblems problems = new FieldProblems();
        if (name == null || name.isBlank()) {
            problems.add("name", "is required");
        } else if (!NAME.matcher(name).matches()) {
            problems.add("name", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        SecurityMode mode = null;
        if (securityMode == null || securityMode.isBlank()) {
            problems.add("securityMode", "is required");
        } else {
            mode = SecurityMode.fromName(securityMode).orElse(null);
            if (mode == null) {
                problems.add("securityMode", "must be one of " + Arrays.toString(SecurityMode.values()));
            }
        }
        validateUri(problems, mode);
        if (shortServerId == null) {
            problems.add("shortServerId", "is required");
        } else if (shortServerId < 1 || shortServerId > 65534) {
            problems.add("shortServerId", "must be between 1 and 65534 (LwM2M Short Server ID)");
        }
        if (lifetime == null) {
            problems.add("lifetime", "is required");
        } else if (lifetime < 1) {
            problems.add("lifetime", "must be a positive number of seconds");
        }
        if (binding == null || binding.isBlank()) {
            problems.add("binding", "is required");
        } else if (!BINDING.matcher(binding).matches()) {
            problems.add("binding", "must be an LwM2M binding such as U, UQ, T, S, N or US");
        }
        byte[] publicKey = null;
        byte[] certificate = null;
        if (mode == SecurityMode.RPK) {
            publicKey = parsePublicKey(problems);
        } else if (serverPublicKey != null) {
            problems.add("serverPublicKey", "is only for security mode RPK");
        }
        if (mode == SecurityMode.X509 || mode == SecurityMode.EST) {
            certificate = parseCertificate(problems);
        } else if (serverCertificate != null) {
            problems.add("serverCertificate", "is only for security modes X509 and EST");
        }
        if (rotationWebhookUrl != null) {
            // The rule of every subscription's URL: the rotation webhook is one (decision 078).
            SubscriptionSpec.checkUrl(rotationWebhookUrl, "rotationWebhookUrl", problems);
        }
        problems.throwIfAny();
        return new NewDmServer(name, uri, shortServerId, lifetime, binding, mode,
                notificationStoring == null || notificationStoring, publicKey, certificate, rotationWebhookUrl);
    }

    private byte[] parsePublicKey(FieldProblems problems) {
        if (serverPublicKey == null || serverPublicKey.isBlank()) {
            problems.add("serverPublicKey", "is required for security mode RPK: the DM server's public key as PEM");
            return null;
        }
        try {
            return Pem.parsePublicKey(serverPublicKey).getEncoded();
        } catch (RuntimeException e) {
            problems.add("serverPublicKey", "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
            return null;
        }
    }

    private byte[] parseCertificate(FieldProblems problems) {
        if (serverCertificate == null || serverCertificate.isBlank()) {
            problems.add("serverCertificate", "is required for security modes X509 and EST: the DM server's certificate "
                    + "or trust anchor as PEM");
            return null;
        }
        try {
            List<X509Certificate> certificates = Pem.parseCertificates(serverCertificate);
            if (certificates.size() != 1) {
                problems.add("serverCertificate", "must hold exactly one certificate");
                return null;
            }
            return certificates.get(0).getEncoded();
        } catch (RuntimeException | java.security.cert.CertificateEncodingException e) {
            problems.add("serverCertificate", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
            return null;
        }
    }

    private void validateUri(FieldProblems problems, SecurityMode mode) {
        if (uri == null || uri.isBlank()) {
            problems.add("uri", "is required");
            return;
        }
        try {
            URI parsed = new URI(uri);
            String scheme = parsed.getScheme();
            if (uri.length() > 255) {
                problems.add("uri", "must be at most 255 characters");
            } else if (!"coap".equals(scheme) && !"coaps".equals(scheme)) {
                problems.add("uri", "must be a coap:// or coaps:// URI");
            } else if (parsed.getHost() == null || parsed.getRawUserInfo() != null || parsed.getRawQuery() != null
                    || parsed.getRawFragment() != null || (parsed.getRawPath() != null && !parsed.getRawPath().isEmpty()
                    && !parsed.getRawPath().equals("/"))) {
                problems.add("uri", "must be coap[s]://host[:port] with nothing else");
            } else if (mode == SecurityMode.NOSEC && !"coap".equals(scheme)) {
                problems.add("uri", "must use coap:// for security mode NOSEC");
            } else if (mode != null && mode != SecurityMode.NOSEC && !"coaps".equals(scheme)) {
                problems.add("uri", "must use coaps:// for security mode " + mode);
            }
        } catch (URISyntaxException e) {
            problems.add("uri", "is not a valid URI");
        }
    }
}
