package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.coap.*}: the CoAP stack under both endpoints (README, Configuration).
 *
 * @param address          address the CoAP and CoAPS endpoints bind to
 * @param port             plain CoAP port (0: a free one)
 * @param workerThreads    CoAP protocol threads and DTLS worker threads (both wait on PostgreSQL; decision 081)
 * @param maxBodySize      largest block-wise request or response body; larger requests get 4.13
 * @param exchangeLifetime how long a request's exchange answers its retransmissions (at least 50 s, ADR 018)
 */
@ConfigurationProperties("provisioning.coap")
public record CoapSettings(
        @DefaultValue("0.0.0.0") String address,
        @DefaultValue("5683") int port,
        @DefaultValue("8") int workerThreads,
        @DefaultValue("16384") int maxBodySize,
        @DefaultValue("60s") Duration exchangeLifetime) {

    public CoapSettings {
        Settings.port("provisioning.coap.port", port);
        if (workerThreads < 1) {
            throw new IllegalArgumentException("provisioning.coap.worker-threads must be at least 1, not " + workerThreads);
        }
        if (maxBodySize < 1024) {
            throw new IllegalArgumentException("provisioning.coap.max-body-size must be at least 1024 bytes, not " + maxBodySize);
        }
        if (exchangeLifetime.compareTo(Duration.ofSeconds(50)) < 0) {
            throw new IllegalArgumentException("provisioning.coap.exchange-lifetime must be at least 50 s (a client's"
                    + " retransmissions span 45 s), not " + exchangeLifetime);
        }
    }
}
