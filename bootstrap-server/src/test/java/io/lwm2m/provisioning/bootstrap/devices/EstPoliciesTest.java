package io.lwm2m.provisioning.bootstrap.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lwm2m.provisioning.ca.KeyAlgorithm;
import io.lwm2m.provisioning.errors.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EstPoliciesTest {

    private final EstPolicies policies = new EstPolicies();
    private final AtomicInteger resolved = new AtomicInteger();

    private Supplier<Map<String, Object>> est(String... keyTypes) {
        return () -> {
            resolved.incrementAndGet();
            return Map.of("keyTypes", List.of(keyTypes));
        };
    }

    private static Enrollee device(long id, Long profileId, long profileVersion, String overrides) {
        return new Enrollee(id, "urn:dev:" + id, DeviceState.ACTIVE, profileId, profileVersion, overrides);
    }

    @Test
    void devicesOfTheSameProfileVersionShareOneParsedPolicy() {
        assertThat(policies.of(device(1, 7L, 3, null), est("P-256")).defaults().keyTypes()).containsExactly(KeyAlgorithm.EC_P256);
        assertThat(policies.of(device(2, 7L, 3, null), est("P-384")).defaults().keyTypes()).containsExactly(KeyAlgorithm.EC_P256);
        assertThat(resolved).hasValue(1);
    }

    @Test
    void anEditedProfileIsANewVersionAndIsResolvedAgain() {
        policies.of(device(1, 7L, 3, null), est("P-256"));
        assertThat(policies.of(device(1, 7L, 4, null), est("P-384")).defaults().keyTypes()).containsExactly(KeyAlgorithm.EC_P384);
        assertThat(resolved).hasValue(2);
    }

    @Test
    void otherOverridesOrAnotherProfileAreResolvedApart() {
        policies.of(device(1, 7L, 3, null), est("P-256"));
        assertThat(policies.of(device(1, 7L, 3, "{\"est\":{\"keyTypes\":[\"P-384\"]}}"), est("P-384")).defaults().keyTypes())
                .containsExactly(KeyAlgorithm.EC_P384);
        assertThat(policies.of(device(1, 8L, 3, null), est("RSA-2048")).defaults().keyTypes())
                .containsExactly(KeyAlgorithm.RSA_2048);
        assertThat(resolved).hasValue(3);
    }

    @Test
    void anInvalidPolicyIsRefusedEveryTimeAndNeverKept() {
        Supplier<Map<String, Object>> invalid = () -> {
            resolved.incrementAndGet();
            return Map.of("keyTypes", "P-256");
        };
        assertThatThrownBy(() -> policies.of(device(1, 9L, 1, null), invalid)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> policies.of(device(1, 9L, 1, null), invalid)).isInstanceOf(InvalidInputException.class);
        assertThat(resolved).hasValue(2);
    }
}
