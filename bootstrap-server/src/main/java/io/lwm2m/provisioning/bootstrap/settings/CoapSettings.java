package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.coap.*}: the CoAP stack under both endpoints (README, Configuration).
 *
 * @param address          address the CoAP and CoAPS endpoints bind to
 * @param port             plain CoAP port (0: a free one)
 * @param workerThreads    CoAP protocol threads and DTLS worker threads; 0: one per processor, 2 to 8 (decision 084)
 * @param maxBodySize      largest block-wise request or response body; larger requests get 4.13
 * @param exchangeLifetime how long a request's exchange answers its retransmissions (at least 50 s, ADR 018)
 */
@ConfigurationProperties("provisioning.coap")
public record CoapSettings(
        @DefaultValue("0.0.0.0") String address,
        @DefaultValue("5683") int port,
        @DefaultValue("0") int workerThreads,
        @DefaultValue("16384") int maxBodySize,
        @DefaultValue("60s") Duration exchangeLifetime) {

    public CoapSettings {
        Settings.port("provisioning.coap.port", port);
        if (workerThreads < 0) {
            throw new IllegalArgumentException("provisioning.coap.worker-threads must be 0 (one per processor) or more, not "
                    + workerThreads);
        }
        if (workerThreads == 0) {
            workerThreads = perProcessor(Runtime.getRuntime().availableProcessors());
        }
        if (maxBodySize < 1024) {
            throw new IllegalArgumentException("provisioning.coap.max-body-size must be at least 1024 bytes, not " + maxBodySize);
        }
        if (exchangeLifetime.compareTo(Duration.ofSeconds(50)) < 0) {
            throw new IllegalArgumentException("provisioning.coap.exchange-lifetime must be at least 50 s (a client's"
                    + " retransmissions span 45 s), not " + exchangeLifetime);
        }
    }

    /**
     * The default: as many threads as processors, so that they rarely preempt one another; at least
     * 2, so that a handshake waiting on PostgreSQL does not stall every other one; at most 8, the
     * earlier fixed default, since a container without a CPU limit sees every processor of its node
     * (decision 084).
     */
    static int perProcessor(int processors) {
        return Math.min(8, Math.max(2, processors));
    }
}
