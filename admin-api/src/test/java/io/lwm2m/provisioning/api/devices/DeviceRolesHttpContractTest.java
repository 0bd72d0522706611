package io.lwm2m.provisioning.api.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.devices.DeviceCredentials;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistrar;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSessions;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.bootstrap.devices.DeviceStates;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Who may call what on {@code /api/v1/devices}: 401 without a valid credential, 403 (audited) for a
 * role the method's rule leaves out, through the application's own security filter chain.
 */
@WebMvcTest(controllers = {DevicesController.class, CredentialsController.class})
@Import(ApiSecuritySlice.class)
class DeviceRolesHttpContractTest {

    private static final String BODY = "{\"endpoint\":\"dev-1\",\"servers\":[\"dm-1\"],\"bootstrapCredential\":{\"mode\":\"PSK\"}}";

    @Autowired
    MockMvc http;
    @Autowired
    ApiSecuritySlice.RecordedAudit audit;
    @MockitoBean
    DeviceRegistrar registrar;
    @MockitoBean
    DeviceQueries queries;
    @MockitoBean
    DeviceStates states;
    @MockitoBean
    DeviceSessions sessions;
    @MockitoBean
    DeviceCredentials credentials;

    @BeforeEach
    void devices() {
        when(queries.get("dev-1")).thenReturn(DevicesHttpContractTest.device("dev-1", DeviceState.ACTIVE));
        when(states.disable(eq("dev-1"), any(), any())).thenReturn(DevicesHttpContractTest.device("dev-1", DeviceState.DISABLED));
        when(registrar.register(any(), any())).thenReturn(new DeviceRegistration(
                DevicesHttpContractTest.device("dev-1", DeviceState.ACTIVE),
                new IssuedCredential(null, 7, new NewCredential(SecurityMode.PSK, "id-7", new byte[16], null, null)), List.of()));
    }

    @Test
    void noCredentialAnswers401ProblemJsonWithABearerChallenge() throws Exception {
        http.perform(get("/api/v1/devices/dev-1"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Authentication required"));
        verifyNoInteractions(queries);
    }

    @Test
    void anUnknownKeyAnswers401SayingSo() throws Exception {
        http.perform(get("/api/v1/devices/dev-1").header(HttpHeaders.AUTHORIZATION, "Bearer bsk_nobody-holds-this-key"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("unknown, expired or revoked")));
        verifyNoInteractions(queries);
    }

    @Test
    void aCredentialThatIsNoBearerTokenAnswers401() throws Exception {
        http.perform(get("/api/v1/devices/dev-1").header(HttpHeaders.AUTHORIZATION, "Basic YWRtaW46YWRtaW4="))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("'Bearer <API key>'")));
        verifyNoInteractions(queries);
    }

    @ParameterizedTest(name = "{0} {1} as {2}: {3}")
    @CsvSource({
            "GET,  /api/v1/devices/dev-1,         OPERATOR,         200",
            "GET,  /api/v1/devices/dev-1,         AUDITOR,          200",
            "GET,  /api/v1/devices/dev-1,         SECURITY_OFFICER, 200",
            "POST, /api/v1/devices,               OPERATOR,         201",
            "POST, /api/v1/devices,               ADMIN,            201",
            "POST, /api/v1/devices,               SECURITY_OFFICER, 403",
            "POST, /api/v1/devices,               AUDITOR,          403",
            "POST, /api/v1/devices/dev-1/disable, SECURITY_OFFICER, 200",
            "POST, /api/v1/devices/dev-1/disable, ADMIN,            200",
            "POST, /api/v1/devices/dev-1/disable, OPERATOR,         403",
            "POST, /api/v1/devices/dev-1/disable, AUDITOR,          403",
    })
    void eachRoleGetsWhatItsRuleAllows(String method, String path, Role role, int expected) throws Exception {
        http.perform(request(HttpMethod.valueOf(method), path).header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(role))
                        .contentType(MediaType.APPLICATION_JSON).content(path.endsWith("/devices") ? BODY : "{}"))
                .andExpect(status().is(expected));
    }

    @Test
    void aRefusedRoleGets403ProblemJsonAndTheRefusalIsAudited() throws Exception {
        http.perform(post("/api/v1/devices/dev-1/credentials/rotate").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR))
                        .header("X-Request-Id", "probe-1")
                        .contentType(MediaType.APPLICATION_JSON).content("{\"target\":\"bootstrap\"}"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Forbidden"))
                .andExpect(jsonPath("$.detail").value("The caller's role does not allow this operation."))
                .andExpect(jsonPath("$.requestId").value("probe-1"));
        verifyNoInteractions(credentials);

        AuditEvent denial = audit.last().orElseThrow();
        assertThat(denial.action()).isEqualTo("api.denied");
        assertThat(denial.outcome()).isEqualTo(AuditEvent.Outcome.DENIED);
        assertThat(denial.target()).isEqualTo("api:POST /api/v1/devices/dev-1/credentials/rotate");
        assertThat(denial.actor()).isEqualTo("api-key:slice-operator");
        assertThat(denial.role()).isEqualTo("operator");
        assertThat(denial.requestId()).isEqualTo("probe-1");
    }
}
