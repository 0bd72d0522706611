package io.lwm2m.provisioning.est;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.est.*}: EST enrollment (RFC 9148 over CoAP, RFC 7030 over HTTPS).
 *
 * @param coapThreads threads running EST-coaps requests, off the CoAP threads that carry bootstrap sessions
 * @param https       {@code provisioning.est.https.*}: EST over HTTPS, a connector of the app's Tomcat
 */
@ConfigurationProperties("provisioning.est")
public record EstSettings(@DefaultValue("8") int coapThreads, @DefaultValue Https https) {

    public EstSettings {
        if (coapThreads < 1) {
            throw new IllegalArgumentException("provisioning.est.coap-threads must be at least 1, not " + coapThreads);
        }
    }

    /**
     * EST over HTTPS (RFC 7030).
     *
     * @param address         address the EST over HTTPS connector binds to
     * @param port            TCP port of EST over HTTPS; 0 picks a free one, -1 turns EST over HTTPS off
     * @param hostname        CN of the TLS certificate EST over HTTPS presents, issued by our CA at every start
     *                        (unset: {@code provisioning.bootstrap.hostname})
     * @param subjectAltNames subjectAltNames of that certificate (unset: {@code provisioning.bootstrap.subject-alt-names})
     * @param threads         request threads of the EST over HTTPS connector, apart from the API's
     */
    public record Https(@DefaultValue("0.0.0.0") String address, @DefaultValue("8443") int port, String hostname,
            List<String> subjectAltNames, @DefaultValue("8") int threads) {

        public Https {
            if (port > 65535) {
                throw new IllegalArgumentException("provisioning.est.https.port must be a TCP port, 0 (any free one) or -1 (off), not "
                        + port);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("provisioning.est.https.threads must be at least 1, not " + threads);
            }
            subjectAltNames = subjectAltNames == null ? null : List.copyOf(subjectAltNames);
        }

        /** Negative ports (-1) turn EST over HTTPS off. */
        public boolean enabled() {
            return port >= 0;
        }
    }
}
