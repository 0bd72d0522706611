package io.lwm2m.provisioning.api.jobs;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code POST /api/v1/fleet-actions}: a dry run answers 200 with what it would touch, a real one
 * 202 with where to follow the job; a body breaking rules answers 400 naming each field; a body
 * over the request limit answers 413, all before any job exists.
 */
@WebMvcTest(controllers = FleetActionsController.class)
@Import(ApiSecuritySlice.class)
class FleetActionsHttpContractTest {

    @Autowired
    MockMvc http;
    @MockitoBean
    FleetJobs jobs;

    @Test
    void aDryRunAnswers200WithTheNumberOfDevicesAndQueuesNothing() throws Exception {
        when(jobs.count(any())).thenReturn(1234L);

        http.perform(post("/api/v1/fleet-actions").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"action\":\"rotate\",\"selector\":{\"label\":\"line-7\"},\"dryRun\":true}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.dryRun").value(true))
                .andExpect(jsonPath("$.devices").value(1234));
        verify(jobs, never()).create(any(), any());
    }

    @Test
    void anActionAnswers202WithTheLocationOfItsJob() throws Exception {
        UUID id = UUID.fromString("6f1c2a2e-0000-4000-8000-000000000001");
        when(jobs.create(any(), any())).thenReturn(new FleetJobs.Job(id, "revoke", "{\"label\":\"line-7\"}", "all", "QUEUED", 3, 0,
                0, 0, null, Instant.parse("2026-12-01T10:00:00Z"), null));

        http.perform(post("/api/v1/fleet-actions").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.ADMIN))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"action\":\"revoke\",\"selector\":{\"label\":\"line-7\"},\"target\":\"all\",\"reason\":1}"))
                .andExpect(status().isAccepted())
                .andExpect(header().string(HttpHeaders.LOCATION, "/api/v1/fleet-actions/" + id))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.total").value(3));
    }

    @Test
    void aBodyBreakingSeveralRulesAnswers400NamingEachField() throws Exception {
        http.perform(post("/api/v1/fleet-actions").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"action\":\"wipe\",\"selector\":{\"profile\":\"a\",\"label\":\"b\"},\"reason\":7}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder("action", "selector", "reason")));
        verifyNoInteractions(jobs);
    }

    @Test
    void aBodyOverTheRequestLimitAnswers413ProblemJson() throws Exception {
        String label = "x".repeat(1024 * 1024);
        http.perform(post("/api/v1/fleet-actions").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"action\":\"rotate\",\"selector\":{\"label\":\"" + label + "\"}}"))
                .andExpect(status().isContentTooLarge())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Request too large"));
        verifyNoInteractions(jobs);
    }
}
