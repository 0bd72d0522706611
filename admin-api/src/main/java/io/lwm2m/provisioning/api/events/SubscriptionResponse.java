package io.lwm2m.provisioning.api.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lwm2m.provisioning.bootstrap.events.EventSubscription;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A subscription as the API shows it: never its secret, except {@code secret} in the one answer that
 * created or rotated it; {@code deliveries} counts its deliveries by state (DEAD ones are dead letters).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SubscriptionResponse(String name, String url, List<String> types, String dmServer, String state, String managedBy,
        Instant previousSecretValidUntil, Map<String, Long> deliveries, Instant createdAt, Instant updatedAt, String secret) {

    static SubscriptionResponse of(EventSubscription s, Map<String, Long> deliveries, String secret) {
        return new SubscriptionResponse(s.name(), s.url(), s.types(), s.dmServer(), s.state().name(), s.managedBy(),
                s.previousSecretValidUntil(Instant.now()), deliveries, s.createdAt(), s.updatedAt(), secret);
    }
}
