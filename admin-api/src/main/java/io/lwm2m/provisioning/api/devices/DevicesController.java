package io.lwm2m.provisioning.api.devices;

import io.lwm2m.provisioning.api.ApiActors;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceService;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/devices}: pre-registered devices, their credentials and bootstrap history. */
@RestController
@RequestMapping("/api/v1/devices")
class DevicesController {

    private static final int MAX_SESSIONS = 500;

    private final DeviceService devices;

    DevicesController(DeviceService devices) {
        this.devices = devices;
    }

    /** Registers a device; the response is the only one that ever carries its keys. */
    @PostMapping
    ResponseEntity<DeviceResponse> create(@RequestBody DeviceRequest body, HttpServletRequest request) {
        DeviceRegistration registration = devices.register(body.validate(), ApiActors.current(request));
        return ResponseEntity.created(URI.create("/api/v1/devices/"
                        + URLEncoder.encode(registration.device().endpoint(), StandardCharsets.UTF_8)))
                .cacheControl(CacheControl.noStore())
                .body(DeviceResponse.created(registration));
    }

    @GetMapping("/{endpoint}")
    DeviceResponse get(@PathVariable String endpoint) {
        return DeviceResponse.of(devices.get(endpoint));
    }

    /** What the device will receive in its next bootstrap: its profile resolved, secrets left out. */
    @GetMapping("/{endpoint}/bootstrap-config")
    BootstrapConfigResponse bootstrapConfig(@PathVariable String endpoint) {
        return BootstrapConfigResponse.of(devices.effectiveProfile(endpoint), devices.get(endpoint));
    }

    @GetMapping("/{endpoint}/sessions")
    List<SessionResponse> sessions(@PathVariable String endpoint, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_SESSIONS) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_SESSIONS);
        }
        return devices.sessions(endpoint, limit).stream().map(SessionResponse::of).toList();
    }
}
