package io.lwm2m.provisioning.bootstrap.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.errors.FieldProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookUrlsTest {

    private final WebhookUrls strict = new WebhookUrls(false);

    @ParameterizedTest
    @ValueSource(strings = {"https://platform.example/events", "https://10.0.0.7:8443/hook", "http://127.0.0.1:9000/hook",
            "http://127.8.9.10/hook", "http://localhost:8080/hook", "http://LOCALHOST/hook", "http://[::1]:9000/hook",
            "http://[0:0:0:0:0:0:0:1]/hook"})
    void httpsAnywhereAndPlainHttpToThisMachineAreTaken(String url) {
        assertThat(strict.check(url, "url", new FieldProblems()).isEmpty()).as(url).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://platform.example/events", "http://10.0.0.7/hook", "http://[2001:db8::1]/hook",
            "http://localhost.attacker.example/hook", "http://127.0.0.1.nip.io/hook", "HTTP://platform.example/events",
            "http://[::ffff:10.0.0.1]/hook", "http://[fe80::1]/hook"})
    void plainHttpToAnotherMachineIsRefusedNamingTheField(String url) {
        FieldProblems problems = strict.check(url, "allocation.url", new FieldProblems());

        assertThat(problems.list()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("allocation.url");
            assertThat(p.message()).contains("https").contains("provisioning.events.allow-plain-http");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://platform.example/events", "http://mesh-receiver.events.svc/hook"})
    void aTrustedNetworkTakesPlainHttpWhenTheOperatorSaysSo(String url) {
        assertThat(new WebhookUrls(true).check(url, "url", new FieldProblems()).isEmpty()).isTrue();
    }
}
