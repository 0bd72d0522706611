package io.lwm2m.provisioning.console.devices;

import io.lwm2m.provisioning.api.RevocationReasons;
import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.devices.DeviceResponse;
import io.lwm2m.provisioning.bootstrap.devices.CredentialView;
import io.lwm2m.provisioning.bootstrap.devices.DeviceCredentials;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceStates;
import io.lwm2m.provisioning.errors.InputText;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * Disable, enable, rotate and revoke from the console (security officers and admins, as in the API):
 * each first on a page that names the device and what will happen to it, then the change through the
 * same services the API calls. A rotation's new secrets are shown once, on the page that answers it.
 */
@Controller
@PreAuthorize(Roles.SECURITY)
class DeviceActionsController {

    private static final int MAX_REASON = 255;

    private final DeviceQueries devices;
    private final DeviceStates states;
    private final DeviceCredentials credentials;

    DeviceActionsController(DeviceQueries devices, DeviceStates states, DeviceCredentials credentials) {
        this.devices = devices;
        this.states = states;
        this.credentials = credentials;
    }

    /** The confirmation: the device, its credentials, and what the action does. */
    @GetMapping("/console/devices/{endpoint}/{action:disable|enable|rotate|revoke}")
    String confirm(@PathVariable String endpoint, @PathVariable String action, Model model) {
        model.addAttribute("device", devices.get(endpoint));
        model.addAttribute("action", action);
        model.addAttribute("reasons", RevocationReasons.CREDENTIAL.keySet());
        return "console/device-confirm";
    }

    @PostMapping("/console/devices/{endpoint}/disable")
    String disable(@PathVariable String endpoint, @RequestParam(required = false) String reason, HttpServletRequest request,
            RedirectAttributes redirect) {
        String why = reason == null || reason.isBlank() ? null : reason.trim();
        String problem = InputText.lineProblem(why, MAX_REASON);
        if (problem != null) {
            throw new InvalidInputException("reason", problem);
        }
        states.disable(endpoint, why, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Device " + endpoint + " is disabled: its Bootstrap-Requests are refused.");
        return back(endpoint);
    }

    @PostMapping("/console/devices/{endpoint}/enable")
    String enable(@PathVariable String endpoint, HttpServletRequest request, RedirectAttributes redirect) {
        states.enable(endpoint, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Device " + endpoint + " is enabled.");
        return back(endpoint);
    }

    /** The new credential's secrets, on this page only: not stored by the browser, never shown again. */
    @PostMapping("/console/devices/{endpoint}/rotate")
    String rotate(@PathVariable String endpoint, @RequestParam String target, @RequestParam(required = false) String server,
            HttpServletRequest request, HttpServletResponse response, Model model) {
        DeviceCredentials.Rotation rotation = credentials.rotate(endpoint, target, blankToNull(server), ApiActors.current(request));
        response.setHeader("Cache-Control", CacheControl.noStore().getHeaderValue());
        model.addAttribute("endpoint", endpoint);
        model.addAttribute("credential", DeviceResponse.Credential.withSecrets(DeviceResponse.Credential.of(rotation.stored()),
                rotation.issued().credential()));
        return "console/device-rotated";
    }

    @PostMapping("/console/devices/{endpoint}/revoke")
    String revoke(@PathVariable String endpoint, @RequestParam String target, @RequestParam(required = false) String server,
            @RequestParam(required = false) String reason, HttpServletRequest request, RedirectAttributes redirect) {
        int code = RevocationReasons.code(blankToNull(reason), RevocationReasons.CREDENTIAL);
        List<CredentialView> revoked = credentials.revoke(endpoint, target, blankToNull(server), code, ApiActors.current(request));
        redirect.addFlashAttribute("notice", "Revoked " + revoked.size() + " credential(s) of " + endpoint
                + "; its connections are closed and its certificates are in the next CRL.");
        return back(endpoint);
    }

    private static String back(String endpoint) {
        return "redirect:/console/devices/" + UriUtils.encodePathSegment(endpoint, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
