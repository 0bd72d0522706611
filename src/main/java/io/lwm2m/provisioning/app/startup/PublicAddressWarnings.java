package io.lwm2m.provisioning.app.startup;

import io.lwm2m.provisioning.ca.ServerNames;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warns at the end of every start while the names this server puts into certificates still say
 * {@code localhost}: the CRL distribution point of every certificate the CA issues, and the name in the
 * certificates the server presents to X.509 devices and EST clients. Devices cannot reach localhost.
 */
@Component
class PublicAddressWarnings implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(PublicAddressWarnings.class);

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        warnings(event.getApplicationContext().getEnvironment()).forEach(log::warn);
    }

    static List<String> warnings(Environment env) {
        List<String> warnings = new ArrayList<>();
        String baseUrl = env.getProperty("provisioning.ca.public-base-url", "http://localhost:8080");
        if (isLocal(baseUrl)) {
            warnings.add("ACTION NEEDED: provisioning.ca.public-base-url is " + baseUrl + ", so the CRL distribution point"
                    + " of every certificate the CA issues names a local address no device or relying party can reach."
                    + " Set it (PROVISIONING_CA_PUBLIC_BASE_URL) to the URL this server's API is reached at.");
        }
        String hostname = env.getProperty("provisioning.bootstrap.hostname", "localhost");
        ServerNames names = ServerNames.forHost(hostname, List.of(env.getProperty("provisioning.bootstrap.subject-alt-names",
                String[].class, new String[0])), "provisioning.bootstrap.subject-alt-names");
        if (isLocal(hostname) && names.onlyLocal()) {
            warnings.add("ACTION NEEDED: provisioning.bootstrap.hostname is " + hostname + " and the certificate this server"
                    + " presents to X.509 devices (and to EST clients over HTTPS) names only this host (" + names + "), so"
                    + " a device that checks the server's name fails for any other address. Set"
                    + " PROVISIONING_BOOTSTRAP_HOSTNAME and PROVISIONING_BOOTSTRAP_SUBJECT_ALT_NAMES to the names devices use.");
        }
        String estHostname = env.getProperty("provisioning.est.https.hostname");
        if (estHostname != null && isLocal(estHostname) && env.getProperty("provisioning.est.https.port", Integer.class, 8443) >= 0) {
            warnings.add("ACTION NEEDED: provisioning.est.https.hostname is " + estHostname + ", so EST over HTTPS presents"
                    + " a certificate for that name. Set it (PROVISIONING_EST_HTTPS_HOSTNAME) to the name EST clients connect to.");
        }
        return warnings;
    }

    private static boolean isLocal(String nameOrUrl) {
        String lower = nameOrUrl.toLowerCase();
        return lower.contains("localhost") || lower.contains("127.0.0.1") || lower.contains("[::1]") || lower.equals("::1");
    }
}
