package io.lwm2m.provisioning.api.events;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.bootstrap.events.DeliveryView;
import io.lwm2m.provisioning.bootstrap.events.EventSubscriptions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Dead letters in {@code /api/v1/event-subscriptions} (issue 17): every role lists a subscription's
 * deliveries by state, with the receiver's last answer; only security officers (and admins) send a
 * dead one again (202); a state that is none is a 400 naming it.
 */
@WebMvcTest(controllers = EventSubscriptionsController.class)
@Import(ApiSecuritySlice.class)
class EventSubscriptionsHttpContractTest {

    @Autowired
    MockMvc http;
    @MockitoBean
    EventSubscriptions subscriptions;

    @Test
    void anAuditorListsTheDeadLettersWithTheReceiversLastAnswer() throws Exception {
        DeliveryView dead = new DeliveryView(42, UUID.fromString("0f6c1c5e-6c1b-4c36-9d5c-1e9f1c0b7a11"),
                "io.lwm2m.provisioning.credential.rotated", "urn:dev:ops:000001", "DEAD", 24, Instant.parse("2026-12-06T10:00:00Z"),
                500, "HTTP 500", null, Instant.parse("2026-12-05T21:00:00Z"));
        when(subscriptions.deliveries(eq("platform"), eq("DEAD"), eq(Long.MAX_VALUE), anyInt())).thenReturn(List.of(dead));

        http.perform(get("/api/v1/event-subscriptions/platform/deliveries?state=DEAD")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].id").value(42))
                .andExpect(jsonPath("$[0].state").value("DEAD"))
                .andExpect(jsonPath("$[0].attempts").value(24))
                .andExpect(jsonPath("$[0].lastStatus").value(500))
                .andExpect(jsonPath("$[0].lastError").value("HTTP 500"));
    }

    @Test
    void aStateThatIsNoneIsNamed() throws Exception {
        http.perform(get("/api/v1/event-subscriptions/platform/deliveries?state=LOST")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("state"));
        verifyNoInteractions(subscriptions);
    }

    @Test
    void onlySecurityOfficersSendADeadLetterAgain() throws Exception {
        for (Role role : new Role[] {Role.OPERATOR, Role.AUDITOR}) {
            http.perform(post("/api/v1/event-subscriptions/platform/deliveries/42/retry")
                            .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(role)))
                    .andExpect(status().isForbidden());
        }
        verifyNoInteractions(subscriptions);

        http.perform(post("/api/v1/event-subscriptions/platform/deliveries/42/retry")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER)))
                .andExpect(status().isAccepted());
        verify(subscriptions).retry(eq("platform"), eq(42L), any());
    }
}
