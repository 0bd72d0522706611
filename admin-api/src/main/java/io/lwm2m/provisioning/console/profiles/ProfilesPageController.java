package io.lwm2m.provisioning.console.profiles;

import io.lwm2m.provisioning.api.auth.ApiActors;
import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /console/profiles}: the bootstrap profiles and DM servers; creating and editing a profile (its
 * definition as the API's JSON, checked by the same service, so the same messages), an edit that
 * raced another shown as the conflict it is, with both versions.
 */
@Controller
class ProfilesPageController {

    private final ProfileService profiles;
    private final DmServerService servers;
    private final JsonMapper json;

    ProfilesPageController(ProfileService profiles, DmServerService servers, JsonMapper json) {
        this.profiles = profiles;
        this.servers = servers;
        this.json = json;
    }

    @GetMapping("/console/profiles")
    @PreAuthorize(Roles.ANY)
    String list(Model model) {
        model.addAttribute("profiles", profiles.list());
        model.addAttribute("servers", servers.list());
        return "console/profiles";
    }

    @GetMapping("/console/profiles/new")
    @PreAuthorize(Roles.SECURITY)
    String blank(Model model) {
        model.addAttribute("form", new ProfileForm("", "", "{\n  \"servers\": []\n}", null));
        return "console/profile-form";
    }

    @GetMapping("/console/profiles/{name}")
    @PreAuthorize(Roles.ANY)
    String edit(@PathVariable String name, Model model) {
        model.addAttribute("form", ProfileForm.of(profiles.get(name), json));
        return "console/profile-form";
    }

    @PostMapping("/console/profiles")
    @PreAuthorize(Roles.SECURITY)
    String create(@RequestParam String name, @RequestParam(required = false) String description,
            @RequestParam String definition, HttpServletRequest request, HttpServletResponse response, Model model,
            RedirectAttributes redirect) {
        ProfileForm form = new ProfileForm(name, description, definition, null);
        try {
            profiles.create(name, blankToNull(description), parse(definition), ApiActors.current(request));
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return again(form, e.problems(), null, model);
        } catch (ConflictException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            return again(form, List.of(new FieldProblem(e.field(), e.getMessage())), null, model);
        }
        redirect.addFlashAttribute("notice", "Profile " + name + " created.");
        return "redirect:/console/profiles";
    }

    /** Saves an edit made to {@code version}; if the profile moved on meanwhile, shows both and saves nothing. */
    @PostMapping("/console/profiles/{name}")
    @PreAuthorize(Roles.SECURITY)
    String update(@PathVariable String name, @RequestParam long version, @RequestParam(required = false) String description,
            @RequestParam String definition, HttpServletRequest request, HttpServletResponse response, Model model,
            RedirectAttributes redirect) {
        ProfileForm form = new ProfileForm(name, description, definition, version);
        try {
            profiles.update(name, version, blankToNull(description), parse(definition), ApiActors.current(request));
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return again(form, e.problems(), null, model);
        } catch (ProfileService.PreconditionFailedException e) {
            response.setStatus(HttpStatus.PRECONDITION_FAILED.value());
            model.addAttribute("current", ProfileForm.of(profiles.get(name), json));
            return again(form, List.of(), e.getMessage(), model);
        }
        redirect.addFlashAttribute("notice", "Profile " + name + " saved.");
        return "redirect:/console/profiles";
    }

    /** The definition as the API would read it; a JSON mistake names where it is, in the API's words. */
    private ProfileDefinition parse(String definition) {
        try {
            return json.readValue(definition, ProfileDefinition.class);
        } catch (JacksonException e) {
            StringBuilder field = new StringBuilder("definition");
            for (JacksonException.Reference ref : e.getPath()) {
                if (ref.getPropertyName() != null) {
                    field.append('.').append(ref.getPropertyName());
                } else if (ref.getIndex() >= 0) {
                    field.append('[').append(ref.getIndex()).append(']');
                }
            }
            String rule = e instanceof UnrecognizedPropertyException ? "is not a field of this resource"
                    : e instanceof MismatchedInputException && !e.getPath().isEmpty() ? "has the wrong type"
                    : "is not valid JSON" + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
            throw new InvalidInputException(field.toString(), rule);
        }
    }

    private static String again(ProfileForm form, List<FieldProblem> problems, String conflict, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("problems", problems);
        model.addAttribute("conflict", conflict);
        return "console/profile-form";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** What the form shows: a new profile ({@code version} null) or an edit of one version. */
    record ProfileForm(String name, String description, String definition, Long version) {

        static ProfileForm of(Profile profile, JsonMapper json) {
            return new ProfileForm(profile.name(), profile.description(),
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(ProfileService.definition(profile)), profile.version());
        }
    }
}
