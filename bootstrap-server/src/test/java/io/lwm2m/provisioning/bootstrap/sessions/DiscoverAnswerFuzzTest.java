package io.lwm2m.provisioning.bootstrap.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.bootstrap.sessions.DeviceBootstrapConfig;
import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.lwm2m.TlvEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Fuzzes what a client may answer to Bootstrap-Discover (libFuzzer through Jazzer), through the
 * parser and through a whole session against a scripted client. Invariants: the parser returns or
 * refuses with a short, printable reason; a session either fails having sent nothing but Discovers,
 * or never writes over the Security instance its answer showed as the bootstrap account. Seeds:
 * {@code src/test/resources/.../DiscoverAnswerFuzzTestInputs} (the field's answers among them).
 */
class DiscoverAnswerFuzzTest {

    private static final DmServerAccount ACCOUNT = new DmServerAccount("dm", "coaps://dm.example:5684", 101, 300, "U", true,
            SecurityMode.PSK, "id", new byte[16]);

    @FuzzTest(maxDuration = "5s")
    void aDiscoverAnswerIsReadOrRefusedAndNeverCostsTheBootstrapAccount(byte[] answer) {
        String body = new String(answer, StandardCharsets.UTF_8);
        DiscoveredClient parsed = null;
        try {
            parsed = DiscoveredClient.parse(body);
            assertThat(parsed.securityInstances()).allMatch(id -> id >= 0 && id <= 65535);
            if (parsed.bootstrapAccountId() != null) {
                assertThat(parsed.securityInstances()).contains(parsed.bootstrapAccountId());
            }
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(200).doesNotContainPattern("\\p{Cntrl}");
        }

        BootstrapSessionTest.ScriptedClient client = new BootstrapSessionTest.ScriptedClient();
        client.discoverAnswer(body);
        BootstrapSessionTest.CapturingRecorder recorder = new BootstrapSessionTest.CapturingRecorder();
        SessionStart start = new SessionStart(UUID.randomUUID(), 7L, "urn:dev:fuzz", "127.0.0.1:1", SecurityMode.PSK, "id",
                ContentFormat.TLV, Instant.EPOCH);
        DeviceBootstrapConfig config = new DeviceBootstrapConfig(7L, "urn:dev:fuzz", DeviceBootstrapConfig.ACTIVE, 1L, List.of(ACCOUNT),
                null, List.of());
        new BootstrapSession(new BootstrapDecision.Accepted(start, config, new TlvEncoder()), client, recorder,
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), s -> { }).run();

        BootstrapSessionTest.Finish finish = recorder.single();
        if (finish.outcome() == SessionOutcome.FAILED) {
            assertThat(client.sent()).allMatch(r -> r.startsWith("Bootstrap-Discover"));
        } else if (parsed != null && parsed.bootstrapAccountId() != null) {
            assertThat(client.writtenPaths()).doesNotContain("/0/" + parsed.bootstrapAccountId());
        }
    }
}
