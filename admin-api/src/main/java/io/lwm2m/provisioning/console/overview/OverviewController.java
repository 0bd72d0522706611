package io.lwm2m.provisioning.console.overview;

import io.lwm2m.provisioning.api.auth.Roles;
import io.lwm2m.provisioning.api.imports.ImportJob;
import io.lwm2m.provisioning.api.imports.ImportJobs;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionManager;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /console}: how the service is doing now: bootstraps and EST enrollments per minute, failures
 * by reason, sessions running, certificates expiring within 30 days, import jobs running.
 */
@Controller
class OverviewController {

    private final MetricFigures metrics;
    private final BootstrapSessionManager sessions;
    private final ImportJobs imports;

    OverviewController(MetricFigures metrics, BootstrapSessionManager sessions, ImportJobs imports) {
        this.metrics = metrics;
        this.sessions = sessions;
        this.imports = imports;
    }

    @GetMapping("/console")
    @PreAuthorize(Roles.ANY)
    String overview(Model model) {
        model.addAttribute("figures", metrics.figures());
        model.addAttribute("sessionsRunning", sessions.runningSessions());
        List<ImportJob> running = imports.list("RUNNING", null, 20);
        List<ImportJob> queued = imports.list("QUEUED", null, 20);
        model.addAttribute("importsRunning", running.size());
        model.addAttribute("importsQueued", queued.size());
        model.addAttribute("importsActive", Stream.concat(running.stream(), queued.stream()).toList());
        return "console/overview";
    }
}
