package io.lwm2m.provisioning.api.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasSize;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.devices.CredentialView;
import io.lwm2m.provisioning.bootstrap.devices.DeviceCredentials;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistrar;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistration;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSessions;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.bootstrap.devices.DeviceStates;
import io.lwm2m.provisioning.bootstrap.devices.DeviceSummary;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.devices.IssuedCredential;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The HTTP contract of {@code /api/v1/devices} and its credentials: status codes, problem+json
 * shapes, the field list of a validation error, cursor pagination. The device services stand in as
 * Mockito stand-ins answering what a test needs; what they store is tested against PostgreSQL by
 * the application's end-to-end tests.
 */
@WebMvcTest(controllers = {DevicesController.class, CredentialsController.class})
@Import(ApiSecuritySlice.class)
class DevicesHttpContractTest {

    private static final String ENDPOINT = "urn:imei:356938035643809";
    private static final Instant CREATED = Instant.parse("2026-12-01T10:00:00Z");

    @Autowired
    MockMvc http;
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

    @Test
    void aRegistrationAnswers201WithTheDevicesEscapedLocationItsKeyOnceAndNoStore() throws Exception {
        byte[] key = new byte[] {1, 2, 3, 4};
        when(registrar.register(any(), any())).thenReturn(new DeviceRegistration(device(ENDPOINT, DeviceState.ACTIVE),
                new IssuedCredential(null, 7, new NewCredential(SecurityMode.PSK, "id-7", key, null, null)), List.of()));

        http.perform(post("/api/v1/devices").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"endpoint\":\"" + ENDPOINT + "\",\"servers\":[\"dm-1\"],\"bootstrapCredential\":{\"mode\":\"psk\"}}"))
                .andExpect(status().isCreated())
                .andExpect(header().string(HttpHeaders.LOCATION, "/api/v1/devices/urn%3Aimei%3A356938035643809"))
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
                .andExpect(jsonPath("$.bootstrapCredential.identity").value("id-7"))
                .andExpect(jsonPath("$.bootstrapCredential.key").value("01020304"));

        ArgumentCaptor<NewDevice> registered = ArgumentCaptor.forClass(NewDevice.class);
        verify(registrar).register(registered.capture(), any(Actor.class));
        assertThat(registered.getValue().endpoint()).isEqualTo(ENDPOINT);
        assertThat(registered.getValue().bootstrapMode()).isEqualTo(SecurityMode.PSK);
        assertThat(registered.getValue().servers()).containsExactly("dm-1");
    }

    @Test
    void aBodyBreakingSeveralRulesAnswers400ListingEachFieldAndRegistersNothing() throws Exception {
        http.perform(post("/api/v1/devices").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"endpoint\":\"a/b\",\"bootstrapCredential\":{\"mode\":\"TOKEN\"}}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.errors[*].field").value(containsInAnyOrder("endpoint", "servers", "bootstrapCredential.mode")))
                .andExpect(jsonPath("$.errors[*].message", hasSize(3)));
        verifyNoInteractions(registrar);
    }

    @Test
    void aFieldOfTheWrongTypeAnswers400NamingTheField() throws Exception {
        http.perform(post("/api/v1/devices").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"endpoint\":\"dev-1\",\"servers\":\"dm-1\",\"bootstrapCredential\":{\"mode\":\"PSK\"}}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("servers"));
        verifyNoInteractions(registrar);
    }

    @Test
    void aTakenEndpointAnswers409NamingTheField() throws Exception {
        when(registrar.register(any(), any())).thenThrow(new ConflictException("endpoint", "a device with endpoint 'dev-1' already exists"));

        http.perform(post("/api/v1/devices").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.ADMIN))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"endpoint\":\"dev-1\",\"servers\":[\"dm-1\"],\"bootstrapCredential\":{\"mode\":\"PSK\"}}"))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Conflict"))
                .andExpect(jsonPath("$.errors[0].field").value("endpoint"))
                .andExpect(jsonPath("$.detail").value("a device with endpoint 'dev-1' already exists"));
    }

    @Test
    void anUnknownDeviceAnswers404ProblemJsonCarryingTheCallersRequestId() throws Exception {
        when(queries.get("dev-9")).thenThrow(new NotFoundException("no device with endpoint 'dev-9'"));

        http.perform(get("/api/v1/devices/dev-9").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR))
                        .header("X-Request-Id", "trace-42"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(header().string("X-Request-Id", "trace-42"))
                .andExpect(jsonPath("$.status").value(404))
                .andExpect(jsonPath("$.title").value("Not found"))
                .andExpect(jsonPath("$.type").value("https://lwm2m-provisioning.dev/problems/not-found"))
                .andExpect(jsonPath("$.detail").value("no device with endpoint 'dev-9'"))
                .andExpect(jsonPath("$.requestId").value("trace-42"));
    }

    @Test
    void aReadNeverCarriesKeyMaterial() throws Exception {
        when(queries.get(ENDPOINT)).thenReturn(device(ENDPOINT, DeviceState.ACTIVE));

        http.perform(get("/api/v1/devices/" + ENDPOINT).header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.bootstrapCredential.identity").value("id-7"))
                .andExpect(jsonPath("$.bootstrapCredential.key").doesNotExist())
                .andExpect(jsonPath("$.bootstrapCredential.privateKey").doesNotExist());
    }

    @Test
    void aListLongerThanItsLimitLinksTheNextPageWhoseCursorResumesAfterTheLastDevice() throws Exception {
        when(queries.list(eq(EnumSet.of(DeviceState.ACTIVE, DeviceState.DISABLED)), eq(0L), eq(3)))
                .thenReturn(LongStream.rangeClosed(1, 3).mapToObj(DevicesHttpContractTest::summary).toList());

        MvcResult first = http.perform(get("/api/v1/devices?limit=2")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[1].endpoint").value("dev-2"))
                .andReturn();
        String link = first.getResponse().getHeader(HttpHeaders.LINK);
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString("2".getBytes(StandardCharsets.UTF_8));
        assertThat(link).isEqualTo("<http://localhost/api/v1/devices?limit=2&cursor=" + cursor + ">; rel=\"next\"");

        when(queries.list(any(), eq(2L), eq(3))).thenReturn(List.of(summary(3)));
        http.perform(get("/api/v1/devices?limit=2&cursor=" + cursor)
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist(HttpHeaders.LINK))
                .andExpect(jsonPath("$[0].endpoint").value("dev-3"));
    }

    @Test
    void aCursorNoListIssuedAnswers400NamingTheCursor() throws Exception {
        http.perform(get("/api/v1/devices?cursor=not*base64").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("cursor"));
        verify(queries, never()).list(any(), anyLong(), anyInt());
    }

    @Test
    void aLimitBeyondAThousandAnswers400NamingTheLimit() throws Exception {
        http.perform(get("/api/v1/devices?limit=1001").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"))
                .andExpect(jsonPath("$.errors[0].message").value("must be between 1 and 1000"));
    }

    @Test
    void aRotationAnswers201WithTheNewSecretOnceAndNoStore() throws Exception {
        CredentialView stored = new CredentialView(8, null, SecurityMode.PSK, "id-8", null, null, null, CredentialStatus.PENDING, CREATED);
        when(credentials.rotate(eq(ENDPOINT), eq("bootstrap"), eq(null), any())).thenReturn(new DeviceCredentials.Rotation(
                new IssuedCredential(null, 8, new NewCredential(SecurityMode.PSK, "id-8", new byte[] {(byte) 0xab}, null, null)), stored));

        http.perform(post("/api/v1/devices/" + ENDPOINT + "/credentials/rotate")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"target\":\"bootstrap\"}"))
                .andExpect(status().isCreated())
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
                .andExpect(jsonPath("$.id").value(8))
                .andExpect(jsonPath("$.status").value("PENDING"))
                .andExpect(jsonPath("$.key").value("ab"));
    }

    @Test
    void aRevocationForAnUnknownReasonAnswers400ListingTheReasonsAndRevokesNothing() throws Exception {
        http.perform(post("/api/v1/devices/" + ENDPOINT + "/credentials/revoke")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"target\":\"all\",\"reason\":\"boredom\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("reason"));
        verifyNoInteractions(credentials);
    }

    static DeviceView device(String endpoint, DeviceState state) {
        CredentialView bootstrap = new CredentialView(7, null, SecurityMode.PSK, "id-7", null, null, null, CredentialStatus.ACTIVE,
                CREATED);
        return new DeviceView(endpoint, state, null, List.of("dm-1"), CREATED, CREATED, List.of(bootstrap), List.of(), List.of());
    }

    private static DeviceSummary summary(long id) {
        return new DeviceSummary(id, "dev-" + id, DeviceState.ACTIVE, "fleet", CREATED, CREATED, List.of());
    }
}
