package io.lwm2m.provisioning.api.profiles;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.lwm2m.provisioning.api.auth.ApiSecuritySlice;
import io.lwm2m.provisioning.api.auth.Role;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Optimistic concurrency on {@code /api/v1/profiles}: a read carries the version as an ETag, an
 * update names the version it read in {@code If-Match}, and a stale one answers 412.
 */
@WebMvcTest(controllers = ProfilesController.class)
@Import(ApiSecuritySlice.class)
class ProfilesHttpContractTest {

    private static final String BODY = "{\"description\":\"line 7\",\"definition\":{\"servers\":[{\"server\":\"dm-1\"}]}}";

    @Autowired
    MockMvc http;
    @MockitoBean
    ProfileService profiles;

    @Test
    void aReadCarriesTheProfilesVersionAsItsETag() throws Exception {
        Profile stored = profile(3);
        when(profiles.get("fleet")).thenReturn(stored);

        http.perform(get("/api/v1/profiles/fleet").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.AUDITOR)))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.ETAG, "\"3\""))
                .andExpect(jsonPath("$.version").value(3));
    }

    @Test
    void anUpdateHandsTheVersionOfItsIfMatchOnAndAnswersTheNewETag() throws Exception {
        Profile updated = profile(4);
        when(profiles.update(eq("fleet"), eq(3L), eq("line 7"), any(), any())).thenReturn(updated);

        http.perform(put("/api/v1/profiles/fleet").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .header(HttpHeaders.IF_MATCH, "W/\"3\"").contentType(MediaType.APPLICATION_JSON).content(BODY))
                .andExpect(status().isOk())
                .andExpect(header().string(HttpHeaders.ETAG, "\"4\""));
    }

    @Test
    void anUpdateWithAStaleIfMatchAnswers412ProblemJson() throws Exception {
        when(profiles.update(eq("fleet"), eq(2L), any(), any(), any())).thenThrow(new ProfileService.PreconditionFailedException(
                "profile 'fleet' changed since version 2 (now 3); read it again"));

        http.perform(put("/api/v1/profiles/fleet").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .header(HttpHeaders.IF_MATCH, "\"2\"").contentType(MediaType.APPLICATION_JSON).content(BODY))
                .andExpect(status().isPreconditionFailed())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(412))
                .andExpect(jsonPath("$.title").value("Precondition failed"))
                .andExpect(jsonPath("$.detail").value("profile 'fleet' changed since version 2 (now 3); read it again"));
    }

    @Test
    void anIfMatchThatIsNoETagAnswers400NamingTheHeaderAndChangesNothing() throws Exception {
        http.perform(put("/api/v1/profiles/fleet").header(HttpHeaders.AUTHORIZATION, ApiSecuritySlice.bearer(Role.SECURITY_OFFICER))
                        .header(HttpHeaders.IF_MATCH, "yesterday").contentType(MediaType.APPLICATION_JSON).content(BODY))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("If-Match"));
        verifyNoInteractions(profiles);
    }

    /** A stored profile as the service hands it out (an entity: only the service creates them). */
    private static Profile profile(long version) {
        Profile profile = mock(Profile.class);
        when(profile.name()).thenReturn("fleet");
        when(profile.description()).thenReturn("line 7");
        when(profile.definitionJson()).thenReturn("{\"servers\":[{\"server\":\"dm-1\"}]}");
        when(profile.version()).thenReturn(version);
        when(profile.createdAt()).thenReturn(Instant.parse("2026-12-01T10:00:00Z"));
        when(profile.updatedAt()).thenReturn(Instant.parse("2026-12-01T10:00:00Z"));
        return profile;
    }
}
