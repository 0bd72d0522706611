package io.lwm2m.provisioning.api.enrollment;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.bootstrap.enrollment.EnrollmentGroups;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * {@code /api/v1/enrollment-groups} (issue 17): only security officers (and admins) change groups or
 * derive a device's key, which is answered {@code no-store}; every role reads what groups admitted or
 * refused; a filter that is no outcome is a 400 naming it.
 */
@WebMvcTest(controllers = EnrollmentGroupsController.class)
@Import(ApiSecuritySlice.class)
class EnrollmentGroupsHttpContractTest {

    private static final String DERIVE = "{\"endpoint\":\"urn:dev:ops:000001\"}";

    @Autowired
    MockMvc http;
    @MockitoBean
    EnrollmentGroups groups;

    @Test
    void aSecurityOfficerGetsADerivedKeyThatNoCacheKeeps() throws Exception {
        when(groups.derive(eq("line-7"), eq("urn:dev:ops:000001"), any())).thenReturn(new EnrollmentGroups.Derived(
                "urn:dev:ops:000001", "acme-urn:dev:ops:000001", "5267ae7afd518d4e699139beec5ceaff"));

        http.perform(post("/api/v1/enrollment-groups/line-7/derive")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON).content(DERIVE))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.CACHE_CONTROL, "no-store"))
                .andExpect(jsonPath("$.identity").value("acme-urn:dev:ops:000001"))
                .andExpect(jsonPath("$.key").value("5267ae7afd518d4e699139beec5ceaff"));
    }

    @Test
    void operatorsAndAuditorsNeitherDeriveKeysNorCreateGroups() throws Exception {
        for (Role role : new Role[] {Role.OPERATOR, Role.AUDITOR}) {
            http.perform(post("/api/v1/enrollment-groups/line-7/derive").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(role))
                            .contentType(MediaType.APPLICATION_JSON).content(DERIVE))
                    .andExpect(status().isForbidden());
            http.perform(post("/api/v1/enrollment-groups").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(role))
                            .contentType(MediaType.APPLICATION_JSON).content("{\"name\":\"line-8\"}"))
                    .andExpect(status().isForbidden());
        }
        verifyNoInteractions(groups);
    }

    @Test
    void aDeriveOutsideTheGroupsPatternIs400NamingTheEndpoint() throws Exception {
        when(groups.derive(eq("line-7"), eq("urn:dev:other:1"), any()))
                .thenThrow(new InvalidInputException("endpoint", "does not match the group's endpoint pattern"));

        http.perform(post("/api/v1/enrollment-groups/line-7/derive")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"endpoint\":\"urn:dev:other:1\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("endpoint"));
    }

    @Test
    void everyRoleReadsTheAdmissionsAndAnUnknownOutcomeIsNamed() throws Exception {
        when(groups.admissions(eq("line-7"), eq("REFUSED"), eq(Long.MAX_VALUE), anyInt())).thenReturn(List.of());

        http.perform(get("/api/v1/enrollment-groups/line-7/admissions?outcome=REFUSED")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$").isArray());
        http.perform(get("/api/v1/enrollment-groups/line-7/admissions?outcome=MAYBE")
                        .header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.OPERATOR)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("outcome"));
    }
}
