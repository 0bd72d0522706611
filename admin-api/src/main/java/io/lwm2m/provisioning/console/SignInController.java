package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.ApiKey;
import io.lwm2m.provisioning.api.auth.ApiKeyService;
import io.lwm2m.provisioning.api.auth.ApiPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /console/sign-in}: sign in with an API key (checked as the API checks it) or at the OpenID Connect issuer. */
@Controller
class SignInController {

    static final String PATH = "/console/sign-in";

    private final ApiKeyService keys;
    private final ConsoleSessions sessions;
    private final ObjectProvider<ConsoleOidc> oidc;

    SignInController(ApiKeyService keys, ConsoleSessions sessions, ObjectProvider<ConsoleOidc> oidc) {
        this.keys = keys;
        this.sessions = sessions;
        this.oidc = oidc;
    }

    @GetMapping("/")
    String root() {
        return "redirect:/console";
    }

    @GetMapping(PATH)
    String page(HttpServletRequest request, Model model) {
        model.addAttribute("oidc", oidc.getIfAvailable());
        if (request.getParameter("signed-out") != null) {
            model.addAttribute("notice", "You are signed out.");
        } else if (request.getParameter("key-ended") != null) {
            model.addAttribute("notice", "The API key this session used was revoked or has expired; sign in again.");
        } else if (request.getParameter(SessionEndedEntryPoint.ENDED) != null) {
            model.addAttribute("notice", "Your session has ended (unused for too long, or signed out); sign in again.");
        } else if (request.getParameter("oidc-failed") != null) {
            model.addAttribute("problem", "Sign-in at the issuer failed; try again or use an API key.");
        }
        return "console/sign-in";
    }

    /** The key goes no further than its check: never into the session, the log or the page. */
    @PostMapping(PATH)
    String signIn(@RequestParam(defaultValue = "") String key, HttpServletRequest request, HttpServletResponse response,
            Model model) {
        Optional<ApiKey> valid = keys.authenticate(key.trim());
        if (valid.isEmpty()) {
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            model.addAttribute("oidc", oidc.getIfAvailable());
            model.addAttribute("problem", "That API key is unknown, expired or revoked.");
            return "console/sign-in";
        }
        ApiPrincipal principal = new ApiPrincipal(valid.get().name(), valid.get().role());
        return "redirect:" + sessions.start(principal, valid.get().id(), request, response);
    }
}
