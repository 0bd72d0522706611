package io.lwm2m.provisioning.console.devices;

import io.lwm2m.provisioning.api.Pages;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.devices.BootstrapConfigResponse;
import io.lwm2m.provisioning.api.devices.DeviceSearchParameters;
import io.lwm2m.provisioning.api.devices.SessionCursor;
import io.lwm2m.provisioning.bootstrap.audit.AuditLog;
import io.lwm2m.provisioning.bootstrap.audit.AuditQuery;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSearch;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSessions;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSummary;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.handshakes.HandshakeFailures;
import io.lwm2m.provisioning.bootstrap.history.BootstrapSessionRecord;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.console.Permissions;
import java.util.List;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /console/devices}: search by endpoint prefix, profile, label and state (endpoint order, a page
 * at a time), and a device's page: its credentials (status, never key material), what its next
 * bootstrap holds, its sessions as a timeline of every request and response code, its failed
 * handshakes, its certificates and (for roles that read the audit log) its audit events.
 */
@Controller
class DevicesPageController {

    private static final int PAGE = 50;
    private static final int SESSIONS = 10;

    private final DeviceQueries devices;
    private final DeviceSessions sessions;
    private final HandshakeFailures handshakes;
    private final CertificateAuthorityService ca;
    private final AuditLog audit;
    private final ProfileService profiles;
    private final JsonMapper json;

    DevicesPageController(DeviceQueries devices, DeviceSessions sessions, HandshakeFailures handshakes,
            CertificateAuthorityService ca, AuditLog audit, ProfileService profiles, JsonMapper json) {
        this.devices = devices;
        this.sessions = sessions;
        this.handshakes = handshakes;
        this.ca = ca;
        this.audit = audit;
        this.profiles = profiles;
        this.json = json;
    }

    @GetMapping("/console/devices")
    @PreAuthorize(Roles.ANY)
    String search(@RequestParam(required = false) String endpointPrefix, @RequestParam(required = false) String profile,
            @RequestParam(required = false) String label, @RequestParam(required = false) String state,
            @RequestParam(required = false) String after, Model model) {
        DeviceSearch search = DeviceSearchParameters.of(state, endpointPrefix, profile, label);
        List<DeviceSummary> found = devices.search(search, after == null || after.isEmpty() ? null : after, PAGE + 1);
        model.addAttribute("devices", found.size() > PAGE ? found.subList(0, PAGE) : found);
        model.addAttribute("next", found.size() > PAGE ? found.get(PAGE - 1).endpoint() : null);
        model.addAttribute("query", new Query(endpointPrefix, profile, label, state));
        model.addAttribute("profiles", profiles.list().stream().map(p -> p.name()).sorted().toList());
        return "console/devices";
    }

    /** The search as the form shows it again. */
    record Query(String endpointPrefix, String profile, String label, String state) {
    }

    @GetMapping("/console/devices/{endpoint}")
    @PreAuthorize(Roles.ANY)
    String device(@PathVariable String endpoint, @RequestParam(required = false) String sessionsCursor, Model model) {
        DeviceView device = devices.get(endpoint);
        model.addAttribute("device", device);
        model.addAttribute("bootstrapConfig", json.writerWithDefaultPrettyPrinter()
                .writeValueAsString(BootstrapConfigResponse.of(devices.plannedBootstrap(endpoint))));
        List<BootstrapSessionRecord> page = sessionsPage(endpoint, sessionsCursor);
        model.addAttribute("sessions", page.size() > SESSIONS ? page.subList(0, SESSIONS) : page);
        model.addAttribute("olderSessions", page.size() > SESSIONS
                ? Pages.cursor(SessionCursor.keyOf(page.get(SESSIONS - 1).startedAt(), page.get(SESSIONS - 1).id())) : null);
        model.addAttribute("handshakeFailures", handshakes.forEndpoint(endpoint));
        model.addAttribute("certificates", ca.page(endpoint, null, null, 20));
        model.addAttribute("events", Permissions.current().audit()
                ? audit.search(new AuditQuery(null, null, "device:" + endpoint, null, null, null), Long.MAX_VALUE, 20)
                : List.of());
        return "console/device";
    }

    private List<BootstrapSessionRecord> sessionsPage(String endpoint, String cursor) {
        SessionCursor from = SessionCursor.parse(cursor);
        return sessions.page(endpoint, from.before(), from.after(), SESSIONS + 1);
    }
}
