package io.lwm2m.provisioning.console.profiles;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.servers.ServerRequest;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /console/servers/new}: defining a DM server, checked by the API's own request rules (the same messages). */
@Controller
@PreAuthorize(Roles.SECURITY)
class ServersPageController {

    private final DmServerService servers;

    ServersPageController(DmServerService servers) {
        this.servers = servers;
    }

    @GetMapping("/console/servers/new")
    String blank(Model model) {
        return form(new ServerRequest("", "coaps://", 101, 300, "U", "PSK", true, null, null, null), List.of(), model);
    }

    @PostMapping("/console/servers")
    String create(@RequestParam String name, @RequestParam String uri, @RequestParam(required = false) Integer shortServerId,
            @RequestParam(required = false) Integer lifetime, @RequestParam String binding, @RequestParam String securityMode,
            @RequestParam(defaultValue = "false") boolean notificationStoring,
            @RequestParam(required = false) String serverPublicKey, @RequestParam(required = false) String serverCertificate,
            HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes redirect) {
        ServerRequest submitted = new ServerRequest(name, uri, shortServerId, lifetime, binding, securityMode, notificationStoring,
                blankToNull(serverPublicKey), blankToNull(serverCertificate), null);
        try {
            servers.create(submitted.validate(), ApiActors.current(request));
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return form(submitted, e.problems(), model);
        } catch (ConflictException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            return form(submitted, List.of(new FieldProblem(e.field(), e.getMessage())), model);
        }
        redirect.addFlashAttribute("notice", "DM server " + name + " defined.");
        return "redirect:/console/profiles";
    }

    private static String form(ServerRequest server, List<FieldProblem> problems, Model model) {
        model.addAttribute("server", server);
        model.addAttribute("problems", problems);
        model.addAttribute("modes", List.of(SecurityMode.values()));
        return "console/server-form";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
