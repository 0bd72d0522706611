package io.lwm2m.provisioning.est;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EstPolicyTest {

    @Test
    void anEmptyPolicyIsTheDefault() {
        assertThat(EstPolicy.parse(null).defaults()).isEqualTo(EstPolicy.DEFAULT);
        assertThat(EstPolicy.parse(Map.of()).forLabel(null).allowBootstrapCredential()).isFalse();
    }

    @Test
    void labelsInheritTheDefaultsTheyDoNotSet() {
        EstPolicy.Labelled policies = EstPolicy.parse(Map.of("allowBootstrapCredential", true, "keyTypes", List.of("P-256"),
                "labels", Map.of("rsa", Map.of("keyTypes", List.of("RSA-2048")), "held", Map.of("approval", true,
                        "retryAfterSeconds", 5))));
        assertThat(policies.forLabel("rsa").keyTypes()).containsExactly(KeyAlgorithm.RSA_2048);
        assertThat(policies.forLabel("rsa").allowBootstrapCredential()).isTrue();
        assertThat(policies.forLabel("held").approval()).isTrue();
        assertThat(policies.forLabel("held").retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policies.forLabel("held").keyTypes()).containsExactly(KeyAlgorithm.EC_P256);
    }

    @Test
    void anUnknownLabelIsNotFound() {
        assertThatThrownBy(() -> EstPolicy.parse(Map.of()).forLabel("nope")).isInstanceOf(EstException.class)
                .matches(e -> ((EstException) e).rule().equals("label.unknown"));
    }

    @Test
    void badFieldsAreNamed() {
        assertThatThrownBy(() -> EstPolicy.parse(Map.of("keyTypes", List.of("P-521"), "approval", "yes", "colour", 1,
                "labels", Map.of("sen", Map.of()))))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).problems()).extracting(p -> p.field())
                        .contains("est.keyTypes", "est.approval", "est.colour", "est.labels.sen"));
    }
}
