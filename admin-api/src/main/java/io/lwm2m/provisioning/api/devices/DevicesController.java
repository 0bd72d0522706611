package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistrar;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSearch;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSessions;
import io.lwm2m.provisioning.bootstrap.devices.DeviceStates;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSummary;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    @Operation(id = "createDevice", summary = "Register a device; the answer carries its generated secrets, once", success = 201, errors = 409)
    ResponseEntity<DeviceResponse> create(@RequestBody DeviceRequest body, HttpServletRequest request) {
        DeviceRegistration registration = registrar.register(body.validate(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/devices/"
                        + URLEncoder.encode(registration.device().endpoint(), StandardCharsets.UTF_8)))
                .cacheControl(CacheControl.noStore())
                .body(DeviceResponse.created(registration));
    }

    /**
     * Devices a page at a time, not deleted ones unless {@code state} asks for them. Without a search
     * term in registration order; with {@code endpointPrefix}, {@code profile} or {@code label} (all
     * given must match) in endpoint order.
     */
    @GetMapping
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listDevices", summary = "List or search devices: by endpoint prefix, profile, label and state")
    ResponseEntity<List<DeviceResponse>> list(@RequestParam(required = false) String state,
            @RequestParam(required = false) String endpointPrefix, @RequestParam(required = false) String profile,
            @RequestParam(required = false) String label, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        DeviceSearch search = DeviceSearchParameters.of(state, endpointPrefix, profile, label);
        int size = Pages.limit(limit, Pages.DEFAULT_LIMIT);
        if (search.narrowed()) {
            return Pages.of(devices.search(search, Pages.key(cursor), size + 1), size, DeviceSummary::endpoint,
                    DeviceResponse::of);
        }
        List<DeviceSummary> page = devices.list(search.states(), Pages.longKey(cursor, 0), size + 1);
        return Pages.of(page, size, d -> Long.toString(d.id()), DeviceResponse::of);
    }


    @GetMapping("/{endpoint}")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getDevice", summary = "Read a device and its credentials' identities and status (never key material)")
    DeviceResponse get(@PathVariable String endpoint) {
        return DeviceResponse.of(devices.get(endpoint));
    }

    /** What the device will receive in its next bootstrap: its profile resolved, secrets left out. */
    @GetMapping("/{endpoint}/bootstrap-config")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "getBootstrapConfig", summary = "Preview what the device receives in its next bootstrap")
    BootstrapConfigResponse bootstrapConfig(@PathVariable String endpoint) {
        return BootstrapConfigResponse.of(devices.plannedBootstrap(endpoint));
    }

    /** The device's bootstrap sessions, newest first, a page at a time (default 50). */
    @GetMapping("/{endpoint}/sessions")
    @PreAuthorize(Roles.ANY)
    @Operation(id = "listDeviceSessions", summary = "List a device's bootstrap sessions, newest first, with every step")
    ResponseEntity<List<SessionResponse>> sessions(@PathVariable String endpoint, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Pages.limit(limit, DEFAULT_SESSIONS);
        SessionCursor from = SessionCursor.parse(cursor);
        return Pages.of(sessions.page(endpoint, from.before(), from.after(), size + 1).stream().map(SessionResponse::of).toList(), size,
                s -> SessionCursor.keyOf(s.startedAt(), s.id()));
    }

    /**
     * {@code {"reason":"…"}} (optional): the device's Bootstrap-Requests are refused until it is
     * enabled again; the reason goes to the audit log.
     */
    @PostMapping("/{endpoint}/disable")
    @Operation(id = "disableDevice", summary = "Disable a device: its Bootstrap-Requests are refused until it is enabled", errors = 409)
    DeviceResponse disable(@PathVariable String endpoint, @RequestBody(required = false) StateRequest body,
            HttpServletRequest request) {
        String reason = body == null ? null : body.reason();
        if (reason != null && reason.length() > MAX_REASON) {
            throw new InvalidInputException("reason", "must be at most " + MAX_REASON + " characters");
        }
        return DeviceResponse.of(stateChanges.disable(endpoint, reason, ApiActors.current(request)));
    }

    @PostMapping("/{endpoint}/enable")
    @Operation(id = "enableDevice", summary = "Enable a disabled device", errors = 409)
    DeviceResponse enable(@PathVariable String endpoint, HttpServletRequest request) {
        return DeviceResponse.of(stateChanges.enable(endpoint, ApiActors.current(request)));
    }

    /** Revokes every credential of the device and keeps it as a DELETED tombstone with its history. */
    @DeleteMapping("/{endpoint}")
    @Operation(id = "deleteDevice", summary = "Revoke every credential of a device and keep it as a DELETED tombstone", errors = 409)
    DeviceResponse delete(@PathVariable String endpoint, HttpServletRequest request) {
        return DeviceResponse.of(stateChanges.delete(endpoint, ApiActors.current(request)));
    }

    record StateRequest(String reason) {
    }
}
