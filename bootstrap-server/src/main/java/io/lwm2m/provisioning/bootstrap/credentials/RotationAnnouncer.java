package io.lwm2m.provisioning.bootstrap.credentials;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells a DM server that one of its devices has a rotated credential pending, so it can execute
 * the Bootstrap-Request Trigger (/1/x/9) and send the device back to bootstrap. Sent after the
 * rotation commits, without blocking it; a failed delivery is logged (the rotation stays visible
 * in the API either way).
 */
@Component
public class RotationAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(RotationAnnouncer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String EVENT = "credential.rotation-pending";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public void announce(String webhookUrl, String server, String endpoint, long credentialId) {
        String body = body(server, endpoint, credentialId);
        Runnable send = () -> http.sendAsync(HttpRequest.newBuilder(URI.create(webhookUrl))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error != null) {
                        log.warn("Rotation webhook {} of DM server {} failed: {}", webhookUrl, server, error.toString());
                    } else if (response.statusCode() >= 300) {
                        log.warn("Rotation webhook {} of DM server {} answered {}", webhookUrl, server, response.statusCode());
                    }
                });
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    send.run();
                }
            });
        } else {
            send.run();
        }
    }

    /** {@code {"event":"credential.rotation-pending","server":…,"endpoint":…,"credentialId":…}}, in that order. */
    static String body(String server, String endpoint, long credentialId) {
        return JSON.writeValueAsString(new RotationPending(EVENT, server, endpoint, credentialId));
    }

    @JsonPropertyOrder({"event", "server", "endpoint", "credentialId"})
    private record RotationPending(String event, String server, String endpoint, long credentialId) {
    }
}
