package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistrar;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSessions;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.bootstrap.devices.DeviceStates;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSummary;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/devices}: pre-registered devices, their credentials and bootstrap history.
 * Operators register, every role reads (never key material), security officers disable, enable
 * and delete.
 */
@RestController
@RequestMapping("/api/v1/devices")
@PreAuthorize(Roles.SECURITY)
class DevicesController {

    private static final int DEFAULT_SESSIONS = 50;
    private static final int MAX_REASON = 255;

    private final DeviceRegistrar registrar;
    private final DeviceQueries devices;
    private final DeviceStates stateChanges;
    private final DeviceSessions sessions;

    DevicesController(DeviceRegistrar registrar, DeviceQueries devices, DeviceStates stateChanges, DeviceSessions sessions) {
        this.registrar = registrar;
        this.devices = devices;
        this.stateChanges = stateChanges;
        this.sessions = sessions;
    }

    /** Registers a device; the response is the only one that ever carries its keys. */
    @PostMapping
    @PreAuthorize(Roles.REGISTER)
    ResponseEntity<DeviceResponse> create(@RequestBody DeviceRequest body, HttpServletRequest request) {
        DeviceRegistration registration = registrar.register(body.validate(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/devices/"
                        + URLEncoder.encode(registration.device().endpoint(), StandardCharsets.UTF_8)))
                .cacheControl(CacheControl.noStore())
                .body(DeviceResponse.created(registration));
    }

    /** Devices in registration order, a page at a time; {@code state} ACTIVE, DISABLED or DELETED (default: not deleted). */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<DeviceResponse>> list(@RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        Set<DeviceState> states;
        if (state == null) {
            states = EnumSet.of(DeviceState.ACTIVE, DeviceState.DISABLED);
        } else {
            try {
                states = EnumSet.of(DeviceState.valueOf(state.toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("state", "must be one of " + List.of(DeviceState.values()));
            }
        }
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        List<DeviceSummary> page = devices.list(states, Pages.longKey(cursor, 0), size + 1);
        return Pages.of(page, size, d -> Long.toString(d.id()), DeviceResponse::of);
    }

    @GetMapping("/{endpoint}")
    @PreAuthorize(Roles.ANY)
    DeviceResponse get(@PathVariable String endpoint) {
        return DeviceResponse.of(devices.get(endpoint));
    }

    /** What the device will receive in its next bootstrap: its profile resolved, secrets left out. */
    @GetMapping("/{endpoint}/bootstrap-config")
    @PreAuthorize(Roles.ANY)
    BootstrapConfigResponse bootstrapConfig(@PathVariable String endpoint) {
        return BootstrapConfigResponse.of(devices.plannedBootstrap(endpoint));
    }

    /** The device's bootstrap sessions, newest first, a page at a time (default 50). */
    @GetMapping("/{endpoint}/sessions")
    @PreAuthorize(Roles.ANY)
    ResponseEntity<List<SessionResponse>> sessions(@PathVariable String endpoint, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Pages.limit(limit, DEFAULT_SESSIONS);
        String key = Pages.key(cursor);
        Instant before = null;
        UUID after = null;
        if (key != null) {
            int bar = key.indexOf('|');
            try {
                before = Instant.parse(key.substring(0, Math.max(bar, 0)));
                after = UUID.fromString(key.substring(bar + 1));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw Pages.badCursor();
            }
        }
        return Pages.of(sessions.page(endpoint, before, after, size + 1).stream().map(SessionResponse::of).toList(), size,
                s -> s.startedAt() + "|" + s.id());
    }

    /**
     * {@code {"reason":"…"}} (optional): the device's Bootstrap-Requests are refused until it is
     * enabled again; the reason goes to the audit log.
     */
    @PostMapping("/{endpoint}/disable")
    DeviceResponse disable(@PathVariable String endpoint, @RequestBody(required = false) StateRequest body,
            HttpServletRequest request) {
        String reason = body == null ? null : body.reason();
        if (reason != null && reason.length() > MAX_REASON) {
            throw new InvalidInputException("reason", "must be at most " + MAX_REASON + " characters");
        }
        return DeviceResponse.of(stateChanges.disable(endpoint, reason, ApiActors.current(request)));
    }

    @PostMapping("/{endpoint}/enable")
    DeviceResponse enable(@PathVariable String endpoint, HttpServletRequest request) {
        return DeviceResponse.of(stateChanges.enable(endpoint, ApiActors.current(request)));
    }

    /** Revokes every credential of the device and keeps it as a DELETED tombstone with its history. */
    @DeleteMapping("/{endpoint}")
    DeviceResponse delete(@PathVariable String endpoint, HttpServletRequest request) {
        return DeviceResponse.of(stateChanges.delete(endpoint, ApiActors.current(request)));
    }

    record StateRequest(String reason) {
    }
}
