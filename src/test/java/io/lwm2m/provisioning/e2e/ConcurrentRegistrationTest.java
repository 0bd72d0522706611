package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Registrations that race each other for one endpoint or one PSK identity, over the real API and
 * PostgreSQL: one wins with 201, every other one gets 409 naming the field it lost on, whether the
 * service's check or the database's unique constraint caught it (decision 050), and nothing 5xx.
 */
class ConcurrentRegistrationTest {

    private static final int RACERS = 8;
    private static TestServer server;
    private static String dm;

    @BeforeAll
    static void start() {
        server = TestServer.shared();
        dm = Fixtures.server(server, "coaps://dm.example:5684", 151, 300, "U", "PSK", true);
    }

    @Test
    void racingRegistrationsOfOneEndpointGiveOne201AndOtherwise409NamingTheEndpoint() throws Exception {
        String endpoint = Fixtures.unique("urn:dev:ops:race");
        List<TestServer.ApiResponse> answers = race(i -> """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK"}}""".formatted(endpoint, dm));

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(a -> a.status() != 201).allSatisfy(a -> {
            assertThat(a.status()).as(a.toString()).isEqualTo(409);
            assertThat(a.json().get("errors").get(0).get("field").asString()).isEqualTo("endpoint");
        });
    }

    @Test
    void racingRegistrationsOfOnePskIdentityGiveOne201AndOtherwise409NamingTheIdentity() throws Exception {
        String identity = Fixtures.unique("line-7-identity");
        List<TestServer.ApiResponse> answers = race(i -> """
                {"endpoint":"%s","servers":["%s"],"bootstrapCredential":{"mode":"PSK","identity":"%s",\
                "key":"00112233445566778899aabbccddeeff"}}""".formatted(Fixtures.unique("urn:dev:ops:race"), dm, identity));

        assertThat(answers).filteredOn(a -> a.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(a -> a.status() != 201).allSatisfy(a -> {
            assertThat(a.status()).as(a.toString()).isEqualTo(409);
            assertThat(a.json().get("errors").get(0).get("field").asString()).isEqualTo("bootstrapCredential.identity");
        });
    }

    /** {@link #RACERS} registrations sent at once, the body of racer {@code i} from {@code body}. */
    private static List<TestServer.ApiResponse> race(java.util.function.IntFunction<String> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<TestServer.ApiResponse>> sent = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                String json = body.apply(i);
                sent.add(pool.submit(() -> {
                    start.await();
                    return server.call("POST", "/api/v1/devices", json);
                }));
            }
            start.countDown();
            List<TestServer.ApiResponse> answers = new ArrayList<>();
            for (Future<TestServer.ApiResponse> answer : sent) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
