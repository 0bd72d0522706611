package io.lwm2m.provisioning.bootstrap.events;

import java.time.Instant;
import java.util.UUID;

/**
 * One delivery of an event to a subscription as the API shows it: its state ({@code PENDING},
 * {@code DELIVERED}, {@code DEAD}), its attempts, the receiver's last answer, when it goes next.
 */
public record DeliveryView(long id, UUID eventId, String type, String subject, String state, int attempts, Instant nextAttemptAt,
        Integer lastStatus, String lastError, Instant deliveredAt, Instant createdAt) {
}
