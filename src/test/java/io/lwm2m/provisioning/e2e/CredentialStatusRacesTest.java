package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.bootstrap.audit.AuditLog;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.e2e.LeshanDevice.Flavour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two changes of one credential's status at the same moment (decision 094): a security officer's
 * revocation, and the promotion of a rotated credential (the device's first use of it, or the DM
 * side's confirmation). Each test holds one of them open in the server's own transaction, sends the
 * other through the API meanwhile, and then commits the first. Whatever the order, a revoked
 * credential stays revoked, and the real client's handshake with it fails.
 */
class CredentialStatusRacesTest {

    private static final int KEY_COMPROMISE = 1;

    private static TestServer server;
    private static String dm;

    @BeforeAll
    static void servers() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 111, 300, "U", "PSK", true);
    }

    /**
     * Before decision 094 the revocation committed at once, and the promotion's commit then wrote
     * {@code ACTIVE} over it: the revoked key authenticated.
     */
    @Test
    void aRevocationSentWhileTheFirstUseOfARotatedKeyIsPromotingItRevokesTheNowActiveKey() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Fixtures.Rotated rotated = Fixtures.rotateBootstrap(server, device.endpoint());

        CompletableFuture<TestServer.ApiResponse> revocation = new CompletableFuture<>();
        server.inTransaction(status -> {
            server.bean(CredentialLifecycle.class).authenticatedWith(rotated.id());
            revocation.completeAsync(() -> server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                    "{\"target\":\"bootstrap\",\"reason\":\"keyCompromise\"}"));
            server.awaitLockWaitOrDone(revocation);
        });
        TestServer.ApiResponse revoked = revocation.get(30, TimeUnit.SECONDS);
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().valueStream().map(c -> c.get("id").asLong() + "=" + c.get("status").asString()))
                .as("the revocation saw the promotion: only the new key was live")
                .containsExactly(rotated.id() + "=REVOKED");

        assertThat(statuses(device)).containsExactlyInAnyOrderEntriesOf(Map.of(
                rotated.id(), "REVOKED", bootstrapId(device, rotated.id()), "RETIRED"));
        Fixtures.assertHandshakeFails(server, rotated.identity(), rotated.key(), device.endpoint());
        Fixtures.assertHandshakeFails(server, device.identity(), device.key(), device.endpoint());
    }

    /** Before decision 094 the confirmation answered 200 and activated the credential being revoked. */
    @Test
    void aConfirmationSentWhileARevocationHoldsTheDeviceIsRefusedAndTheKeysStayRevoked() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        Fixtures.Rotated rotated = Fixtures.rotateBootstrap(server, device.endpoint());
        long deviceId = deviceId(device);

        CompletableFuture<TestServer.ApiResponse> confirmation = new CompletableFuture<>();
        server.inTransaction(status -> {
            List<DeviceCredential> live = server.bean(DeviceCredentialRepository.class)
                    .findLive(deviceId, CredentialChannel.BOOTSTRAP, null);
            assertThat(live).hasSize(2);
            server.bean(CredentialLifecycle.class).revoke(live, KEY_COMPROMISE, Actor.SYSTEM);
            confirmation.completeAsync(() -> server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/"
                    + rotated.id() + "/confirm", null));
            server.awaitLockWaitOrDone(confirmation);
        });
        TestServer.ApiResponse confirmed = confirmation.get(30, TimeUnit.SECONDS);
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(409);
        assertThat(confirmed.body()).contains("is REVOKED, not PENDING");

        assertThat(statuses(device)).containsExactlyInAnyOrderEntriesOf(Map.of(
                rotated.id(), "REVOKED", bootstrapId(device, rotated.id()), "REVOKED"));
        Fixtures.assertHandshakeFails(server, rotated.identity(), rotated.key(), device.endpoint());
        Fixtures.assertHandshakeFails(server, device.identity(), device.key(), device.endpoint());
    }

    /** Two rotations of one channel at once: the second waits, sees the first's pending key, and is refused. */
    @Test
    void twoRotationsAtOnceLeaveOnePendingKey() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        List<CompletableFuture<TestServer.ApiResponse>> rotations = List.of(1, 2).stream()
                .map(i -> CompletableFuture.supplyAsync(() -> server.call("POST",
                        "/api/v1/devices/" + device.endpoint() + "/credentials/rotate", "{\"target\":\"bootstrap\"}")))
                .toList();
        List<Integer> codes = rotations.stream().map(CompletableFuture::join).peek(r -> {
            if (r.status() == 201) {
                TestOutput.rememberSecret(r.json().get("key").asString());
            }
        }).map(TestServer.ApiResponse::status).sorted().toList();
        assertThat(codes).containsExactly(201, 409);
        assertThat(statuses(device).values()).containsExactlyInAnyOrder("ACTIVE", "PENDING");
        // The device still bootstraps with the key it holds.
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
        }
    }

    /**
     * A circle of waits PostgreSQL breaks (deadlock_detected) costs the change it ends a 409 to retry,
     * not a 500. The test closes the circle itself: it holds the audit chain, lets a revocation hold the
     * device and wait for the chain, then waits for the device. PostgreSQL ends the transaction whose
     * deadlock_timeout runs out first: the API's, which started waiting first. Where the test may (a
     * superuser, as on the embedded PostgreSQL; setting deadlock_timeout needs it) it also makes its own
     * timeout the longer, so a slow machine cannot turn that order around; an external database without
     * that right relies on the order alone.
     */
    @Test
    void aChangeThatPostgresqlEndsToBreakACircleOfWaitsGets409AndChangesNothing() throws Exception {
        Fixtures.Device device = Fixtures.device(server, dm);
        long deviceId = deviceId(device);
        JdbcTemplate jdbc = server.bean(JdbcTemplate.class);

        CompletableFuture<TestServer.ApiResponse> revocation = new CompletableFuture<>();
        server.inTransaction(status -> {
            if (Boolean.TRUE.equals(jdbc.queryForObject("SELECT current_setting('is_superuser') = 'on'", Boolean.class))) {
                jdbc.execute("SET LOCAL deadlock_timeout = '30s'");
            }
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", AuditLog.CHAIN_LOCK);
            revocation.completeAsync(() -> server.call("POST", "/api/v1/devices/" + device.endpoint() + "/credentials/revoke",
                    "{\"target\":\"all\",\"reason\":\"keyCompromise\"}"));
            server.awaitLockWaitOrDone(revocation);
            server.bean(DeviceCredentialRepository.class).holdDevice(deviceId);
        });
        TestServer.ApiResponse refused = revocation.get(30, TimeUnit.SECONDS);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.body()).contains("at the same moment").doesNotContain("deadlock");
        assertThat(jdbc.queryForList("SELECT status FROM device_credentials WHERE device_id = ?", String.class, deviceId))
                .as("the ended transaction changed nothing").containsExactly("ACTIVE", "ACTIVE");
        try (LeshanDevice client = LeshanDevice.start(device.endpoint(), server.coaps(), device.identity(), device.key(),
                Flavour.LWM2M_1_1_SENML_CBOR)) {
            assertThat(client.awaitBootstrap(Duration.ofSeconds(30)).success()).isTrue();
        }
    }

    private static long deviceId(Fixtures.Device device) {
        return server.bean(JdbcTemplate.class).queryForObject("SELECT id FROM devices WHERE endpoint = ?", Long.class,
                device.endpoint());
    }

    /** The device's bootstrap credentials: id to status. */
    private static Map<Long, String> statuses(Fixtures.Device device) {
        Map<Long, String> statuses = new java.util.HashMap<>();
        server.bean(JdbcTemplate.class).query("""
                SELECT c.id, c.status FROM device_credentials c JOIN devices d ON d.id = c.device_id
                WHERE d.endpoint = ? AND c.channel = 'BOOTSTRAP'""",
                rs -> {
                    statuses.put(rs.getLong(1), rs.getString(2));
                }, device.endpoint());
        return statuses;
    }

    /** The device's other bootstrap credential: the one it was registered with. */
    private static long bootstrapId(Fixtures.Device device, long rotatedId) {
        return statuses(device).keySet().stream().filter(id -> id != rotatedId).findFirst().orElseThrow();
    }
}
