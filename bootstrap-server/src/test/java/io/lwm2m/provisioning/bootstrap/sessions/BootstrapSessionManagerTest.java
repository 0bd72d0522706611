package io.lwm2m.provisioning.bootstrap.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.Compatibility;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules that decide on a Bootstrap-Request or a Bootstrap-Pack-Request, against fakes of the
 * interfaces the session core declares: no database, no transport.
 */
class BootstrapSessionManagerTest {

    private static final DmServerAccount ACCOUNT = new DmServerAccount("dm", "coaps://dm.example:5684", 101, 300, "U", true,
            SecurityMode.PSK, "dm-id", new byte[16]);

    private final FakeConfigs configs = new FakeConfigs();
    private final FakeHistory history = new FakeHistory();
    private final List<Long> authenticated = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> admissions = new ArrayList<>();
    private DeviceAdmission.Admission admission = new DeviceAdmission.Admission.NotCovered();
    private final BootstrapSessionManager manager = new BootstrapSessionManager(configs, (identity, endpoint, channel, peer) -> {
        admissions.add(identity.pskIdentity() + " " + endpoint + " " + channel);
        if (admission instanceof DeviceAdmission.Admission.Admitted) {
            configs.byIdentity.put(identity.pskIdentity(), config(endpoint, Compatibility.DEFAULT));
        }
        return admission;
    }, history, authenticated::add, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Duration.ofSeconds(120), "", List.of(new BootstrapEvents() {
        @Override
        public void requestRefused(ResponseCode code, BootstrapFailure failure, SecurityMode securityMode) {
            events.add(code + " " + failure + " " + securityMode);
        }
    }), java.util.concurrent.Executors.newSingleThreadScheduledExecutor());

    @AfterEach
    void stop() {
        manager.destroy();
    }

    @Test
    void refusesAnIdentityOfNoDeviceWith400AndRecordsWhy() {
        BootstrapDecision decision = manager.accept(pskRequest("urn:dev:a", "nobody", null));

        assertRefused(decision, ResponseCode.BAD_REQUEST, BootstrapFailure.UNKNOWN_IDENTITY);
        assertThat(history.refusals).singleElement().satisfies(r -> assertThat(r).contains("belongs to no device"));
        assertThat(events).containsExactly("4.00 UNKNOWN_IDENTITY PSK");
    }

    @Test
    void anIdentityOfNoDeviceThatAGroupAdmitsGetsItsNewDevicesConfiguration() {
        admission = new DeviceAdmission.Admission.Admitted("urn:dev:a");

        BootstrapDecision decision = manager.accept(pskRequest("urn:dev:a", "acme-urn:dev:a", null));

        assertThat(decision).isInstanceOfSatisfying(BootstrapDecision.Accepted.class,
                accepted -> assertThat(accepted.config().endpoint()).isEqualTo("urn:dev:a"));
        assertThat(admissions).containsExactly("acme-urn:dev:a urn:dev:a BOOTSTRAP");
    }

    @Test
    void anIdentityAGroupRefusesIsRefusedWithTheGroupsReasonAndIsNotCountedAgainstItsSource() {
        admission = new DeviceAdmission.Admission.Refused("enrollment group 'acme' reached its limit of 2 devices");

        BootstrapDecision decision = manager.accept(pskRequest("urn:dev:a", "acme-urn:dev:a", null));

        assertRefused(decision, ResponseCode.BAD_REQUEST, BootstrapFailure.NOT_ADMITTED);
        assertThat(((BootstrapDecision.Refused) decision).clientCaused()).isFalse();
        assertThat(history.refusals).singleElement().satisfies(r -> assertThat(r).contains("reached its limit of 2 devices"));
    }

    @Test
    void aKnownIdentityNeverAsksTheGroups() {
        configs.byIdentity.put("id-a", config("urn:dev:a", Compatibility.DEFAULT));

        manager.accept(pskRequest("urn:dev:a", "id-a", null));

        assertThat(admissions).isEmpty();
    }

    @Test
    void refusesAnEndpointOfAnotherDeviceAndSaysWhoseIdentityItWas() {
        configs.byIdentity.put("id-a", config("urn:dev:a", Compatibility.DEFAULT));
        configs.registered.add("urn:dev:b");

        BootstrapDecision decision = manager.accept(pskRequest("urn:dev:b", "id-a", null));

        assertRefused(decision, ResponseCode.BAD_REQUEST, BootstrapFailure.ENDPOINT_MISMATCH);
        assertThat(((BootstrapDecision.Refused) decision).reason())
                .isEqualTo("endpoint 'urn:dev:b' does not match the DTLS identity, which belongs to device 'urn:dev:a'");
    }

    @Test
    void refusesPlainCoapUnlessTheProfileAllowsNoSec() {
        configs.byEndpoint.put("urn:dev:a", config("urn:dev:a", Compatibility.DEFAULT));

        BootstrapDecision decision = manager.accept(new BootstrapRequest("urn:dev:a", null, null, "127.0.0.1:1", null));

        assertRefused(decision, ResponseCode.BAD_REQUEST, BootstrapFailure.NOSEC_NOT_ALLOWED);
        assertThat(events).containsExactly("4.00 NOSEC_NOT_ALLOWED NOSEC");
    }

    @Test
    void refusesADisabledDevice() {
        configs.byIdentity.put("id-a", new DeviceBootstrapConfig(1L, "urn:dev:a", "DISABLED", 9L, List.of(ACCOUNT), null, List.of()));

        assertRefused(manager.accept(pskRequest("urn:dev:a", "id-a", null)), ResponseCode.BAD_REQUEST,
                BootstrapFailure.DEVICE_NOT_ACTIVE);
    }

    @Test
    void refusesAMalformedQueryBeforeLookingAnythingUp() {
        BootstrapDecision decision = manager.accept(new BootstrapRequest("x", null, "pct 'y' is not a number", "127.0.0.1:1",
                ClientIdentity.psk("id-a")));

        assertRefused(decision, ResponseCode.BAD_REQUEST, BootstrapFailure.MALFORMED_REQUEST);
        assertThat(((BootstrapDecision.Refused) decision).clientCaused()).isTrue();
    }

    @Test
    void acceptsAKnownIdentityWithTheFormatItAskedForAndTheVersionItImplies() {
        configs.byIdentity.put("id-a", config("urn:dev:a", Compatibility.DEFAULT));

        BootstrapDecision decision = manager.accept(pskRequest("urn:dev:a", "id-a", ContentFormat.SENML_CBOR));

        assertThat(decision).isInstanceOfSatisfying(BootstrapDecision.Accepted.class, accepted -> {
            assertThat(accepted.start().contentFormat()).isEqualTo(ContentFormat.SENML_CBOR);
            assertThat(accepted.clientVersion()).isEqualTo("1.1");
        });
        assertThat(history.refusals).isEmpty();
    }

    @Test
    void aProfilesFormatIsRefusedWith415ToAClientWithoutPctAndUsedForOneWithPct() {
        Compatibility cbor = new Compatibility(Compatibility.WriteFormat.SENML_CBOR, null, null);
        configs.byIdentity.put("id-a", config("urn:dev:a", cbor));

        assertRefused(manager.accept(pskRequest("urn:dev:a", "id-a", null)), ResponseCode.UNSUPPORTED_CONTENT_FORMAT,
                BootstrapFailure.UNSUPPORTED_CONTENT_FORMAT);
        BootstrapDecision accepted = manager.accept(pskRequest("urn:dev:a", "id-a", ContentFormat.TLV));
        assertThat(((BootstrapDecision.Accepted) accepted).start().contentFormat()).isEqualTo(ContentFormat.SENML_CBOR);
    }

    @Test
    void aPackBeforeAnyDiscoverIsRefusedWith405NotCountedAgainstTheClient() {
        configs.byIdentity.put("id-a", config("urn:dev:a", Compatibility.DEFAULT));

        BootstrapSessionManager.PackAnswer answer = manager.pack(pskRequest("urn:dev:a", "id-a", null));

        assertThat(answer.code()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(answer.refusal().failure()).isEqualTo(BootstrapFailure.BOOTSTRAP_ACCOUNT_UNKNOWN);
        assertThat(answer.refusal().clientCaused()).isFalse();
    }

    @Test
    void aPackAvoidsTheBootstrapAccountAnEarlierDiscoverShowed() {
        configs.byIdentity.put("id-a", config("urn:dev:a", Compatibility.DEFAULT));
        history.learned.put(1L, 0);

        BootstrapSessionManager.PackAnswer answer = manager.pack(pskRequest("urn:dev:a", "id-a", ContentFormat.SENML_JSON));

        assertThat(answer.code()).isEqualTo(ResponseCode.CONTENT);
        assertThat(new String(answer.payload(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"n\":\"0/1/0\"")
                .doesNotContain("\"0/0/");
        assertThat(history.finished).containsExactly(SessionOutcome.SUCCEEDED);
    }

    @Test
    void aPackTheProfileForbidsIsRefusedWith405() {
        configs.byIdentity.put("id-a", config("urn:dev:a", new Compatibility(null, Compatibility.PackPolicy.FORBIDDEN, 0)));

        BootstrapSessionManager.PackAnswer answer = manager.pack(pskRequest("urn:dev:a", "id-a", null));

        assertThat(answer.code()).isEqualTo(ResponseCode.METHOD_NOT_ALLOWED);
        assertThat(answer.refusal().failure()).isEqualTo(BootstrapFailure.PACK_FORBIDDEN);
    }

    @Test
    void aRotatedBootstrapCredentialIsProvedByItsFirstAuthentication() {
        configs.byIdentity.put("id-a", new DeviceBootstrapConfig(1L, "urn:dev:a", "ACTIVE", 9L, true, List.of(ACCOUNT), null,
                List.of(), List.of(), null, false, null));

        manager.accept(pskRequest("urn:dev:a", "id-a", null));

        assertThat(authenticated).containsExactly(9L);
    }

    @Test
    void answers503WhileShuttingDown() {
        manager.stopAccepting();

        assertRefused(manager.accept(pskRequest("urn:dev:a", "id-a", null)), ResponseCode.SERVICE_UNAVAILABLE,
                BootstrapFailure.SHUTTING_DOWN);
        assertThat(history.refusals).isEmpty();
    }

    private static void assertRefused(BootstrapDecision decision, ResponseCode code, BootstrapFailure failure) {
        assertThat(decision).isInstanceOfSatisfying(BootstrapDecision.Refused.class, refused -> {
            assertThat(refused.code()).isEqualTo(code);
            assertThat(refused.failure()).isEqualTo(failure);
        });
    }

    private static BootstrapRequest pskRequest(String endpoint, String identity, Integer pct) {
        return new BootstrapRequest(endpoint, pct, null, "127.0.0.1:40000", ClientIdentity.psk(identity));
    }

    private static DeviceBootstrapConfig config(String endpoint, Compatibility compatibility) {
        return new DeviceBootstrapConfig(1L, endpoint, DeviceBootstrapConfig.ACTIVE, 9L, false, List.of(ACCOUNT), null, List.of(),
                List.of(), null, false, compatibility);
    }

    private static final class FakeConfigs implements BootstrapConfigSource {
        final Map<String, DeviceBootstrapConfig> byIdentity = new HashMap<>();
        final Map<String, DeviceBootstrapConfig> byEndpoint = new HashMap<>();
        final List<String> registered = new ArrayList<>();

        @Override
        public Optional<DeviceBootstrapConfig> findByBootstrapIdentity(ClientIdentity identity) {
            return Optional.ofNullable(byIdentity.get(identity.pskIdentity()));
        }

        @Override
        public Optional<DeviceBootstrapConfig> findForNoSec(String endpoint) {
            return Optional.ofNullable(byEndpoint.get(endpoint));
        }

        @Override
        public boolean isRegistered(String endpoint) {
            return registered.contains(endpoint) || byEndpoint.containsKey(endpoint);
        }
    }

    private static final class FakeHistory implements SessionHistory {
        final List<String> refusals = new ArrayList<>();
        final List<SessionOutcome> finished = new ArrayList<>();
        final Map<Long, Integer> learned = new HashMap<>();

        @Override
        public void begin(SessionStart start) {
            // nothing to keep
        }

        @Override
        public void finish(SessionStart start, SessionEnd end) {
            finished.add(end.outcome());
        }

        @Override
        public void refuse(SessionStart start, ResponseCode code, BootstrapFailure failure, String reason) {
            refusals.add(code + " " + failure + " " + reason);
        }

        @Override
        public Optional<Integer> learnedBootstrapAccountInstance(long deviceId) {
            return Optional.ofNullable(learned.get(deviceId));
        }
    }
}
