package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other end-to-end test of this JVM (class order: see junit-platform.properties)
 * and checks that no secret they were handed (PSK keys, the admin key, the KEK) was ever printed.
 */
@Order(Integer.MAX_VALUE)
class SecretsNeverLoggedTest {

    @Test
    void noSecretAppearsInTheOutputOfTheWholeRun() {
        String output = TestOutput.captured();
        assertThat(TestOutput.secrets()).as("the other tests registered their secrets").isNotEmpty();
        assertThat(output).as("captured output").contains("Bootstrap session");
        for (String secret : TestOutput.secrets()) {
            assertThat(output).as("output must not contain a secret").doesNotContain(secret)
                    .doesNotContain(secret.toUpperCase());
        }
    }
}
