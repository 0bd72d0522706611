package io.lwm2m.provisioning.api.events;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.bootstrap.events.DeliveryView;
import io.lwm2m.provisioning.bootstrap.events.EventSubscriptions;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/event-subscriptions}: webhooks that receive the server's events as signed CloudEvents
 * (issue 17). Security officers manage them and retry dead letters; every role reads them.
 */
@RestController
@PreAuthorize(Roles.SECURITY)
@RequestMapping("/api/v1/event-subscriptions")
class EventSubscriptionsController {

    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "DEAD");

    private final EventSubscriptions subscriptions;

    EventSubscriptionsController(EventSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** 201 with the subscription and its signing secret ({@code whsec_…}), shown in this answer only. */
    @PostMapping
    @Operation(id = "createEventSubscription",
            summary = "Subscribe a webhook to events; its signing secret is in this answer only", success = 201, errors = 409)
    ResponseEntity<SubscriptionResponse> create(@RequestBody SubscriptionRequest body, HttpServletRequest request) {
        EventSubscriptions.WithSecret created = subscriptions.create(body.spec(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/event-subscriptions/" + created.subscription().name()))
                .cacheControl(CacheControl.noStore()).body(SubscriptionResponse.of(created.subscription(), null, created.secret()));
    }

    @GetMapping
    @Operation(id = "listEventSubscriptions", summary = "List the event subscriptions by name")
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<SubscriptionResponse>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return Pages.ofAll(subscriptions.list().stream().map(s -> SubscriptionResponse.of(s, null, null)).toList(), limit, cursor,
                SubscriptionResponse::name);
    }

    @GetMapping("/{name}")
    @Operation(id = "getEventSubscription", summary = "Read an event subscription with its delivery counts")
    @PreAuthorize(Roles.ANY)
    SubscriptionResponse get(@PathVariable String name) {
        return SubscriptionResponse.of(subscriptions.get(name), subscriptions.counts(name), null);
    }

    /** Replaces the URL, types, DM server filter and state (the name stays). */
    @PutMapping("/{name}")
    @Operation(id = "updateEventSubscription", summary = "Replace a subscription's URL, event types, DM-server filter and state")
    SubscriptionResponse update(@PathVariable String name, @RequestBody SubscriptionRequest body, HttpServletRequest request) {
        return SubscriptionResponse.of(subscriptions.update(name, body.spec(), ApiActors.current(request)), null, null);
    }

    @DeleteMapping("/{name}")
    @Operation(id = "deleteEventSubscription", summary = "Delete an event subscription and its pending deliveries", success = 204)
    ResponseEntity<Void> delete(@PathVariable String name, HttpServletRequest request) {
        subscriptions.delete(name, ApiActors.current(request));
        return ResponseEntity.noContent().build();
    }

    /** A new signing secret, shown once; the previous one keeps signing for {@code provisioning.events.secret-overlap}. */
    @PostMapping("/{name}/secret")
    @Operation(id = "rotateSubscriptionSecret", summary = "A new signing secret, in this answer only; the previous one keeps"
            + " signing for the overlap", success = 201)
    ResponseEntity<SubscriptionResponse> rotateSecret(@PathVariable String name, HttpServletRequest request) {
        EventSubscriptions.WithSecret rotated = subscriptions.rotateSecret(name, ApiActors.current(request));
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(SubscriptionResponse.of(rotated.subscription(), null, rotated.secret()));
    }

    /** The subscription's deliveries, newest first: {@code ?state=DEAD} lists its dead letters. */
    @GetMapping("/{name}/deliveries")
    @Operation(id = "listSubscriptionDeliveries", summary = "A subscription's deliveries, newest first (state=DEAD: its dead"
            + " letters)")
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<DeliveryView>> deliveries(@PathVariable String name, @RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        if (state != null && !STATES.contains(state)) {
            throw new InvalidInputException("state", "must be PENDING, DELIVERED or DEAD");
        }
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        return Pages.of(subscriptions.deliveries(name, state, Pages.longKey(cursor, Long.MAX_VALUE), size + 1), size,
                d -> Long.toString(d.id()));
    }

    /** A dead delivery goes again from its first attempt. */
    @PostMapping("/{name}/deliveries/{id}/retry")
    @Operation(id = "retryDelivery", summary = "Send a dead delivery again from its first attempt", success = 202, errors = 409)
    ResponseEntity<Void> retry(@PathVariable String name, @PathVariable long id, HttpServletRequest request) {
        subscriptions.retry(name, id, ApiActors.current(request));
        return ResponseEntity.accepted().build();
    }
}
