package io.lwm2m.provisioning.est;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.est.*}: EST enrollment (RFC 9148 over CoAP, RFC 7030 over HTTPS).
 *
 * @param coapThreads threads running EST-coaps requests, off the CoAP threads that carry bootstrap sessions
 */
@ConfigurationProperties("provisioning.est")
public record EstSettings(@DefaultValue("8") int coapThreads) {

    public EstSettings {
        if (coapThreads < 1) {
            throw new IllegalArgumentException("provisioning.est.coap-threads must be at least 1, not " + coapThreads);
        }
    }
}
