package io.lwm2m.provisioning.bootstrap.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.bootstrap.lwm2m.ContentFormat;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.lwm2m.TlvEncoder;
import io.lwm2m.provisioning.bootstrap.profiles.Compatibility;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The bootstrap sequence one session drives, against a scripted client. */
class BootstrapSessionTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    /** A Leshan client's answer once it holds a DM account (Security 1, Server 0) besides its bootstrap account. */
    private static final String LESHAN_DISCOVER = "</>;lwm2m=1.0,</0>;ver=1.2,</0/0>;uri=\"coaps://127.0.0.1:5684\","
            + "</0/1>;ssid=101;uri=\"coaps://dm.example\",</1>,</1/0>;ssid=101,</3>;ver=1.2,</3/0>";
    /** A factory-fresh Leshan client's answer: nothing but its bootstrap account. */
    private static final String FRESH_LESHAN_DISCOVER =
            "</>;lwm2m=1.0,</0>;ver=1.2,</0/0>;uri=\"coaps://127.0.0.1:5684\",</1>,</3>;ver=1.2,</3/0>";

    private final UUID sessionId = UUID.randomUUID();
    private final DmServerAccount first = new DmServerAccount("dm-1", "coaps://dm1.example:5684", 101, 86400, "U",
            true, SecurityMode.PSK, "id-1", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    private final DmServerAccount second = new DmServerAccount("dm-2", "coap://dm2.example:5683", 202, 300, "UQ",
            false, SecurityMode.NOSEC, null, null);

    private final ScriptedClient client = new ScriptedClient();
    private final CapturingRecorder recorder = new CapturingRecorder();
    private final List<BootstrapSession> ended = new ArrayList<>();

    @Test
    void sendsDiscoverThenDeletesThenSecurityAndServerWritesPerAccountThenFinish() {
        client.discoverAnswer("</0/0>;uri=\"x\",</0/1>;ssid=5,</1/0>;ssid=5");

        session(first, second).run();

        assertThat(client.sent()).containsExactly(
                "Bootstrap-Discover /",
                "Bootstrap-Delete /0",
                "Bootstrap-Delete /1",
                "Bootstrap-Write /0/1",
                "Bootstrap-Write /1/0",
                "Bootstrap-Write /0/2",
                "Bootstrap-Write /1/1",
                "Bootstrap-Finish /bs");
    }

    @Test
    void deletesNothingOnAClientThatHoldsOnlyItsBootstrapAccount() {
        client.discoverAnswer(FRESH_LESHAN_DISCOVER);

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Write /0/1", "Bootstrap-Write /1/0",
                "Bootstrap-Finish /bs");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
    }

    /** The delivery goes with the session's end, so the history's writer keeps it through a database outage. */
    @Test
    void aSuccessfulSessionEndsWithThePendingCredentialsItDelivered() {
        client.discoverAnswer(FRESH_LESHAN_DISCOVER);

        session(new DeviceBootstrapConfig(7L, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, 1L, List.of(first), null, List.of(41L))).run();

        assertThat(recorder.single().outcome()).isEqualTo(SessionOutcome.SUCCEEDED);
        assertThat(recorder.single().delivered()).containsExactly(41L);
    }

    @Test
    void aFailedSessionDeliveredNothing() {
        client.discoverAnswer(FRESH_LESHAN_DISCOVER);
        client.answer("Bootstrap-Write /1/0", "4.00");

        session(new DeviceBootstrapConfig(7L, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, 1L, List.of(first), null, List.of(41L))).run();

        assertThat(recorder.single().outcome()).isEqualTo(SessionOutcome.FAILED);
        assertThat(recorder.single().delivered()).isEmpty();
    }

    @Test
    void deletesOnlyThePathsUnderWhichTheClientHoldsSomething() {
        // A DM account in /0 but no Server instance: /0 must go, /1 holds nothing.
        client.discoverAnswer("</>;lwm2m=1.1,</0/0>;uri=\"coaps://bs\",</0/3>;ssid=7,</1>,</3/0>");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Delete /0", "Bootstrap-Write /0/1",
                "Bootstrap-Write /1/0", "Bootstrap-Finish /bs");
    }

    @Test
    void deletesEveryPathWhenOnlyTheSecurityObjectWasDiscovered() {
        // A client that refuses Discover of '/': /1 is unknown, so it is deleted; /0 is judged from the /0 answer.
        client.answer("Bootstrap-Discover /", "4.00");
        client.discoverAnswer("</0/0>;uri=\"coaps://bs\"");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Discover /0", "Bootstrap-Delete /1",
                "Bootstrap-Write /0/1", "Bootstrap-Write /1/0", "Bootstrap-Finish /bs");
    }

    @Test
    void usesTheCoapMethodsOfTheBootstrapInterface() {
        client.discoverAnswer(LESHAN_DISCOVER);

        session(first).run();

        assertThat(client.requests).extracting(r -> r.operation().method())
                .containsExactly("GET", "DELETE", "DELETE", "PUT", "PUT", "POST");
    }

    @Test
    void asksForLinkFormatInTheDiscover() {
        client.discoverAnswer(LESHAN_DISCOVER);

        session(first).run();

        assertThat(client.requests.get(0).accept()).isEqualTo(ContentFormat.LINK_FORMAT);
    }

    @Test
    void skipsTheBootstrapAccountAtInstanceZeroWhenChoosingSecurityInstances() {
        client.discoverAnswer("</0/0>;uri=\"x\",</0/1>;ssid=5,</1/0>;ssid=5");

        session(first, second).run();

        assertThat(client.writtenPaths()).containsExactly("/0/1", "/1/0", "/0/2", "/1/1");
    }

    @Test
    void skipsTheBootstrapAccountAtInstanceOneWhenChoosingSecurityInstances() {
        client.discoverAnswer("</0/0>;ssid=5;uri=\"coaps://old\",</0/1>;uri=\"coaps://bs\"");

        session(first, second).run();

        assertThat(client.writtenPaths()).containsExactly("/0/0", "/1/0", "/0/2", "/1/1");
    }

    @Test
    void skipsTheBootstrapAccountOfARealLeshanClient() {
        client.discoverAnswer(LESHAN_DISCOVER);

        session(first).run();

        assertThat(client.writtenPaths()).containsExactly("/0/1", "/1/0");
    }

    @Test
    void sparesEverySecurityInstanceWhenTheDiscoverDoesNotSingleOutOneBootstrapAccount() {
        client.discoverAnswer("</0/0>,</0/1>");

        session(first, second).run();

        assertThat(client.writtenPaths()).containsExactly("/0/2", "/1/0", "/0/3", "/1/1");
    }

    @Test
    void writesEachInstanceInTheAcceptedEncodersFormat() {
        client.discoverAnswer(LESHAN_DISCOVER);

        session(first).run();

        DownlinkRequest security = client.requests.get(3);
        DownlinkRequest server = client.requests.get(4);
        assertThat(security.contentFormat()).isEqualTo(ContentFormat.TLV);
        assertThat(security.payload()).isEqualTo(new TlvEncoder().encode(first.securityInstance(1)));
        assertThat(server.contentFormat()).isEqualTo(ContentFormat.TLV);
        assertThat(server.payload()).isEqualTo(new TlvEncoder().encode(first.serverInstance(0)));
    }

    @Test
    void recordsASucceededSessionWithEveryStepAndItsAnswer() {
        client.discoverAnswer(LESHAN_DISCOVER);

        session(first).run();

        assertThat(recorder.finishes).hasSize(1);
        Finish finish = recorder.finishes.get(0);
        assertThat(finish.id).isEqualTo(sessionId);
        assertThat(finish.outcome).isEqualTo(SessionOutcome.SUCCEEDED);
        assertThat(finish.reason).isNull();
        assertThat(finish.endedAt).isEqualTo(NOW);
        assertThat(finish.steps).extracting(s -> s.operation() + " " + s.path() + " " + s.responseCode())
                .containsExactly(
                        "Bootstrap-Discover / 2.05",
                        "Bootstrap-Delete /0 2.02",
                        "Bootstrap-Delete /1 2.02",
                        "Bootstrap-Write /0/1 2.04",
                        "Bootstrap-Write /1/0 2.04",
                        "Bootstrap-Finish /bs 2.04");
    }

    @Test
    void callsTheEndCallbackOnceWithTheSession() {
        client.discoverAnswer(LESHAN_DISCOVER);
        BootstrapSession session = session(first);

        session.run();

        assertThat(ended).containsExactly(session);
    }

    @Test
    void passesTheLwm2mVersionFromTheDiscoverAnswerToTheRecord() {
        client.discoverAnswer("</>;lwm2m=1.1,</0/0>;uri=\"coaps://bs\"");

        session(first).run();

        assertThat(recorder.single().lwm2mVersion).isEqualTo("1.1");
    }

    @Test
    void recordsNoLwm2mVersionWhenTheDiscoverAnswerHasNone() {
        client.discoverAnswer("</0/0>;uri=\"coaps://bs\"");

        session(first).run();

        assertThat(recorder.single().lwm2mVersion).isNull();
    }

    @Test
    void failsOnABadRequestAnswerToAWriteNamingCodeAndPath() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.answer("Bootstrap-Write /0/1", "4.00");

        session(first, second).run();

        Finish finish = recorder.single();
        assertThat(finish.outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(finish.reason).isEqualTo("the client answered 4.00 to Bootstrap-Write /0/1");
        assertThat(finish.failure).isEqualTo(BootstrapFailure.CLIENT_ERROR);
    }

    @Test
    void sendsNothingAfterARefusedWrite() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.answer("Bootstrap-Write /0/1", "4.00");

        session(first, second).run();

        assertThat(client.sent()).containsExactly(
                "Bootstrap-Discover /", "Bootstrap-Delete /0", "Bootstrap-Delete /1", "Bootstrap-Write /0/1");
        assertThat(recorder.single().steps).last().extracting(SessionStep::responseCode).isEqualTo(ResponseCode.BAD_REQUEST);
    }

    @Test
    void explainsANotAcceptableAnswerToFinishAsAnInconsistentConfiguration() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.answer("Bootstrap-Finish /bs", "4.06");

        session(first).run();

        Finish finish = recorder.single();
        assertThat(finish.outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(finish.reason).isEqualTo(
                "the client answered 4.06 to Bootstrap-Finish /bs (the client found the configuration inconsistent)");
        assertThat(finish.failure).isEqualTo(BootstrapFailure.CONFIGURATION_REJECTED);
    }

    @Test
    void doesNotCallA406ToAWriteInconsistent() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.answer("Bootstrap-Write /1/0", "4.06");

        session(first).run();

        assertThat(recorder.single().reason).isEqualTo("the client answered 4.06 to Bootstrap-Write /1/0");
    }

    @Test
    void failsWithNoAnswerWhenTheClientIsUnreachable() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.fail("Bootstrap-Delete /1", new ClientUnreachableException("timed out after 2 s"));

        session(first).run();

        Finish finish = recorder.single();
        assertThat(finish.outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(finish.reason).isEqualTo("no answer to Bootstrap-Delete /1: timed out after 2 s");
        assertThat(finish.failure).isEqualTo(BootstrapFailure.NO_ANSWER);
    }

    @Test
    void recordsTheUnansweredStepWithoutCodeAndWithTheCause() {
        client.discoverAnswer(LESHAN_DISCOVER);
        client.fail("Bootstrap-Delete /1", new ClientUnreachableException("timed out after 2 s"));

        session(first).run();

        assertThat(client.sent()).last().isEqualTo("Bootstrap-Delete /1");
        SessionStep last = recorder.single().steps.get(recorder.single().steps.size() - 1);
        assertThat(last.path()).isEqualTo("/1");
        assertThat(last.responseCode()).isNull();
        assertThat(last.detail()).isEqualTo("timed out after 2 s");
    }

    @Test
    void failsWithoutDeletingAnythingWhenTheDiscoverAnswerIsNotLinkFormat() {
        client.discoverAnswer("this is not link-format");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(recorder.single().reason).startsWith("the client's Bootstrap-Discover answer is not usable link-format");
        assertThat(recorder.single().failure).isEqualTo(BootstrapFailure.DISCOVER_UNUSABLE);
    }

    @Test
    void abortEndsTheSessionOnceAndCancelsTheClient() {
        client.holdDiscover();
        BootstrapSession session = session(first);
        session.run();

        session.abort(BootstrapFailure.DEADLINE, "the session deadline of 120 s passed");
        session.abort(BootstrapFailure.SUPERSEDED, "superseded");

        assertThat(recorder.finishes).hasSize(1);
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(recorder.single().reason).isEqualTo("the session deadline of 120 s passed");
        assertThat(recorder.single().failure).isEqualTo(BootstrapFailure.DEADLINE);
        assertThat(client.cancels).isEqualTo(1);
        assertThat(ended).containsExactly(session);
    }

    @Test
    void anAnswerArrivingAfterAbortSendsNothingMoreAndRecordsNothingMore() {
        CompletableFuture<DownlinkResponse> discover = client.holdDiscover();
        BootstrapSession session = session(first);
        session.run();
        session.abort(BootstrapFailure.SHUTDOWN, "the server is shutting down");

        discover.complete(new DownlinkResponse(ResponseCode.CONTENT, LESHAN_DISCOVER.getBytes(StandardCharsets.UTF_8)));

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.finishes).hasSize(1);
        assertThat(recorder.single().reason).isEqualTo("the server is shutting down");
        assertThat(ended).hasSize(1);
    }

    @Test
    void abortAfterTheSessionEndedRecordsNothingAndDoesNotCancel() {
        client.discoverAnswer(LESHAN_DISCOVER);
        BootstrapSession session = session(first);
        session.run();

        session.abort(BootstrapFailure.DEADLINE, "late deadline");

        assertThat(recorder.finishes).hasSize(1);
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
        assertThat(client.cancels).isZero();
    }

    @Test
    void cancelsTheDeadlineWhenTheSessionEnds() {
        client.discoverAnswer(LESHAN_DISCOVER);
        BootstrapSession session = session(first);
        CompletableFuture<Void> deadline = new CompletableFuture<>();
        session.scheduleDeadline(deadline);

        session.run();

        assertThat(deadline).isCancelled();
    }

    // ---- fixtures ----

    @Test
    void fallsBackToADiscoverOfTheSecurityObjectWhenTheClientRefusesTheRoot() {
        client.answer("Bootstrap-Discover /", "4.05");
        client.discoverAnswer("</0/0>;uri=\"x\",</0/1>;ssid=5,</1/0>;ssid=5");

        session(first).run();

        assertThat(client.sent()).startsWith("Bootstrap-Discover /", "Bootstrap-Discover /0", "Bootstrap-Delete /0");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
    }

    @Test
    void writesTheBindingWithoutQueueModeToA11ServerObject() {
        client.discoverAnswer("</>;lwm2m=1.1,</0/0>;uri=\"x\",</1>;ver=1.1,</2>,</3/0>");

        session(second).run();

        byte[] serverWrite = client.requests.stream().filter(r -> r.path().equals("/1/0")).findFirst().orElseThrow().payload();
        assertThat(new String(serverWrite, StandardCharsets.ISO_8859_1)).contains("U").doesNotContain("UQ");
    }

    @Test
    void keepsQueueModeInTheBindingOfA10ServerObject() {
        client.discoverAnswer("</>;lwm2m=1.0,</0/0>;uri=\"x\",</1>,</3/0>");

        session(second).run();

        byte[] serverWrite = client.requests.stream().filter(r -> r.path().equals("/1/0")).findFirst().orElseThrow().payload();
        assertThat(new String(serverWrite, StandardCharsets.ISO_8859_1)).contains("UQ");
    }

    @Test
    void refusesATcpBindingForA10ServerObjectBeforeDeletingAnything() {
        DmServerAccount tcp = new DmServerAccount("dm-t", "coaps+tcp://dm.example:5684", 7, 300, "T", false,
                SecurityMode.NOSEC, null, null);
        client.discoverAnswer("</>;lwm2m=1.0,</0/0>;uri=\"x\",</1>,</3/0>");

        session(tcp).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().reason).contains("binding 'T'").contains("Server object 1.1");
    }

    @Test
    void writesTheCertificateUsageOnlyToA11SecurityObject() {
        DmServerAccount x509 = new DmServerAccount("dm-x", "coaps://dm.example:5684", 9, 300, "U", false, SecurityMode.X509,
                new byte[] {1}, new byte[] {2}, new byte[] {3}, null, null, null, 3);
        client.discoverAnswer("</>;lwm2m=1.1,</0>;ver=1.0,</0/0>;uri=\"x\",</1>,</3/0>");
        session(x509).run();
        client.discoverAnswer("</>;lwm2m=1.1,</0/0>;uri=\"x\",</1>,</3/0>");
        session(x509).run();

        List<byte[]> securityWrites = client.requests.stream().filter(r -> r.path().equals("/0/1")).map(DownlinkRequest::payload).toList();
        assertThat(securityWrites).hasSize(2);
        assertThat(securityWrites.get(1).length).isGreaterThan(securityWrites.get(0).length);
    }

    @Test
    void refusesAccessControlInstancesToAClientWithoutTheAccessControlObject() {
        client.discoverAnswer("</>;lwm2m=1.1,</0/0>;uri=\"x\",</1>,</3/0>");
        DeviceBootstrapConfig config = new DeviceBootstrapConfig(7L, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, 1L, false, List.of(first),
                null, List.of(), List.of(new io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition.AccessControl(3, 0,
                        Map.of(101, 1), 101)), null, false, null);

        session(config).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().reason).contains("no Access Control object (/2)");
    }

    @Test
    void readsTheDiscoverAnswerOfTheRoot() {
        DiscoveredClient discovered = DiscoveredClient.from(io.lwm2m.provisioning.bootstrap.lwm2m.Link.parse(
                "</>;lwm2m=1.2,</0>;ver=1.2,</0/0>;uri=\"coaps://bs\",</0/3>;ssid=4;uri=\"coaps://dm\",</1>,</1/0>;ssid=4,</3>;ver=1.1,</3/0>"));

        assertThat(discovered.lwm2mVersion()).isEqualTo("1.2");
        assertThat(discovered.objectVersions()).containsEntry(0, "1.2").containsEntry(1, "1.2").containsEntry(3, "1.1");
        assertThat(discovered.implementsObject(2)).isFalse();
        assertThat(discovered.securityInstances()).containsExactly(0, 3);
        assertThat(discovered.bootstrapAccountId()).isEqualTo(0);
        assertThat(discovered.bootstrapAccountUri()).isEqualTo("coaps://bs");
        assertThat(discovered.objectAtLeast(1, 1, 1)).isTrue();
        assertThat(discovered.objectAtLeast(3, 1, 2)).isFalse();
    }

    @Test
    void bootstrapsAWakaama10ClientThatLeadsItsDiscoverAnswerWithTheVersionToken() {
        client.discoverAnswer(DiscoveredClientTest.WAKAAMA_1_0);

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Delete /0", "Bootstrap-Delete /1",
                "Bootstrap-Write /0/1", "Bootstrap-Write /1/0", "Bootstrap-Finish /bs");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
        assertThat(recorder.single().lwm2mVersion).isEqualTo("1.0");
        assertThat(recorder.single().bootstrapAccountInstance).isZero();
    }

    @Test
    void keepsTheBootstrapAccountOfAnAnjay10ClientAtInstanceOne() {
        client.discoverAnswer(DiscoveredClientTest.ANJAY_1_0);

        session(first, second).run();

        assertThat(client.writtenPaths()).containsExactly("/0/0", "/1/0", "/0/2", "/1/1");
        assertThat(recorder.single().bootstrapAccountInstance).isEqualTo(1);
    }

    @Test
    void refusesBeforeDeletingAnythingAClientThatRefusesBothDiscovers() {
        client.answer("Bootstrap-Discover /", "4.05");
        client.answer("Bootstrap-Discover /0", "4.04");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Discover /0");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(recorder.single().reason).startsWith("the client refused Bootstrap-Discover of / and /0")
                .contains("compatibility.bootstrapAccountInstance");
    }

    @Test
    void bootstrapsAClientThatRefusesDiscoverWhereItsProfileNamesItsBootstrapAccount() {
        client.answer("Bootstrap-Discover /", "4.05");
        client.answer("Bootstrap-Discover /0", "4.05");

        session(withCompatibility(new Compatibility(null, null, 0), first, second)).run();

        // Nothing is known of the client: every delete path is sent, and the writes avoid the named account.
        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Discover /0", "Bootstrap-Delete /0",
                "Bootstrap-Delete /1", "Bootstrap-Write /0/1", "Bootstrap-Write /1/0", "Bootstrap-Write /0/2",
                "Bootstrap-Write /1/1", "Bootstrap-Finish /bs");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
        // The profile's word is no observation: the history learns nothing from this session.
        assertThat(recorder.single().bootstrapAccountInstance).isNull();
    }

    @Test
    void refusesBeforeDeletingAnythingAnEmptyDiscoverAnswer() {
        client.discoverAnswer("");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().reason).startsWith("the client's Bootstrap-Discover answer lists no Security (/0) instance");
    }

    @Test
    void refusesBeforeDeletingAnythingAnAnswerThatNamesOnlyItsVersion() {
        client.discoverAnswer("lwm2m=1.0");

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.FAILED);
        assertThat(recorder.single().lwm2mVersion).isEqualTo("1.0");
    }

    @Test
    void refusesBeforeDeletingAnythingADiscoverAnswerOf64KilobytesOfGarbage() {
        client.discoverAnswer("<".repeat(64 * 1024));

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /");
        assertThat(recorder.single().reason).startsWith("the client's Bootstrap-Discover answer is not usable link-format")
                .hasSizeLessThan(300);
    }

    @Test
    void writesAroundTenThousandListedInstances() {
        StringBuilder answer = new StringBuilder("</>;lwm2m=1.1,</0/0>");
        for (int i = 1; i <= 10_000; i++) {
            answer.append(",</0/").append(i).append(">;ssid=").append(i);
        }
        client.discoverAnswer(answer.toString());

        session(first).run();

        assertThat(client.sent()).containsExactly("Bootstrap-Discover /", "Bootstrap-Delete /0", "Bootstrap-Write /0/1",
                "Bootstrap-Write /1/0", "Bootstrap-Finish /bs");
        assertThat(recorder.single().outcome).isEqualTo(SessionOutcome.SUCCEEDED);
    }

    private DeviceBootstrapConfig withCompatibility(Compatibility compatibility, DmServerAccount... accounts) {
        return new DeviceBootstrapConfig(7L, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, 1L, false, List.of(accounts), null, List.of(),
                List.of(), null, false, compatibility);
    }

    private BootstrapSession session(DmServerAccount... accounts) {
        return session(new DeviceBootstrapConfig(7L, "urn:dev:1", DeviceBootstrapConfig.ACTIVE, 1L, List.of(accounts), null, List.of()));
    }

    private BootstrapSession session(DeviceBootstrapConfig config) {
        SessionStart start = new SessionStart(sessionId, 7L, "urn:dev:1", "127.0.0.1:40000", SecurityMode.PSK, "bs-id-1",
                ContentFormat.TLV, NOW);
        BootstrapDecision.Accepted accepted = new BootstrapDecision.Accepted(start, config, new TlvEncoder());
        return new BootstrapSession(accepted, client, recorder, Clock.fixed(NOW, ZoneOffset.UTC), ended::add);
    }

    /** Answers 2.05 to Discover, 2.02 to Delete, 2.04 to Write and Finish, unless told otherwise. */
    static final class ScriptedClient implements BootstrapClient {
        final List<DownlinkRequest> requests = new ArrayList<>();
        final Map<String, CompletableFuture<DownlinkResponse>> scripted = new HashMap<>();
        String discoverPayload = "";
        int cancels;

        void discoverAnswer(String linkFormat) {
            discoverPayload = linkFormat;
        }

        void answer(String request, String code) {
            scripted.put(request, CompletableFuture.completedFuture(new DownlinkResponse(ResponseCode.parse(code), new byte[0])));
        }

        void fail(String request, Throwable error) {
            scripted.put(request, CompletableFuture.failedFuture(error));
        }

        CompletableFuture<DownlinkResponse> holdDiscover() {
            CompletableFuture<DownlinkResponse> pending = new CompletableFuture<>();
            scripted.put("Bootstrap-Discover /", pending);
            return pending;
        }

        @Override
        public CompletableFuture<DownlinkResponse> send(DownlinkRequest request) {
            requests.add(request);
            CompletableFuture<DownlinkResponse> answer = scripted.get(request.toString());
            if (answer != null) {
                return answer;
            }
            return CompletableFuture.completedFuture(switch (request.operation()) {
                case DISCOVER -> new DownlinkResponse(ResponseCode.CONTENT, discoverPayload.getBytes(StandardCharsets.UTF_8));
                case DELETE -> new DownlinkResponse(ResponseCode.DELETED, new byte[0]);
                case WRITE, FINISH -> new DownlinkResponse(ResponseCode.CHANGED, new byte[0]);
            });
        }

        @Override
        public void cancel() {
            cancels++;
        }

        List<String> sent() {
            return requests.stream().map(DownlinkRequest::toString).toList();
        }

        List<String> writtenPaths() {
            return requests.stream().filter(r -> r.operation() == BootstrapOperation.WRITE).map(DownlinkRequest::path).toList();
        }
    }

    record Finish(UUID id, SessionOutcome outcome, BootstrapFailure failure, String reason, String lwm2mVersion, List<SessionStep> steps,
            Instant endedAt, Integer bootstrapAccountInstance, List<Long> delivered) {
    }

    /** The session history without a database: keeps what the session reports at its end. */
    static final class CapturingRecorder implements SessionHistory {
        final List<Finish> finishes = new ArrayList<>();

        @Override
        public void begin(SessionStart start) {
            // a session's start is not what these tests look at
        }

        @Override
        public void finish(SessionStart start, SessionEnd end) {
            finishes.add(new Finish(start.id(), end.outcome(), end.failure(), end.reason(), end.lwm2mVersion(), end.steps(), end.endedAt(),
                    end.bootstrapAccountInstance(), end.deliveredCredentialIds()));
        }

        @Override
        public void refuse(SessionStart start, ResponseCode code, BootstrapFailure failure, String reason) {
            throw new AssertionError("a running session refuses nothing");
        }

        @Override
        public java.util.Optional<Integer> learnedBootstrapAccountInstance(long deviceId) {
            return java.util.Optional.empty();
        }

        Finish single() {
            assertThat(finishes).hasSize(1);
            return finishes.get(0);
        }
    }
}
