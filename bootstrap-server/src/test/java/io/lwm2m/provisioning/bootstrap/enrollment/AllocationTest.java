package io.lwm2m.provisioning.bootstrap.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.errors.FieldProblem;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allocation policies' rules, and the gate a device must pass, without a database. */
class AllocationTest {

    @Test
    void aStaticAllocationNeedsItsProfile() {
        assertThat(problems(new Allocation(Allocation.Type.STATIC, null, null, null, null), EnrollmentGroup.Mechanism.X509))
                .containsExactly("allocation.profile");
    }

    @Test
    void rulesNeedAConditionAndAProfileAndSubjectRulesOnlyForCertificates() {
        Allocation rules = new Allocation(Allocation.Type.RULES, null, List.of(
                new Allocation.Rule(null, null, "p", null),
                new Allocation.Rule("urn:dev:(", null, null, null),
                new Allocation.Rule(null, Map.of("OU", "line-7"), "p", null)), null, null);
        assertThat(problems(rules, EnrollmentGroup.Mechanism.SYMMETRIC_KEY))
                .contains("allocation.rules[0]", "allocation.rules[1].profile", "allocation.rules[1].endpointPattern",
                        "allocation.rules[2].subject");
    }

    @Test
    void aWebhookNeedsAnHttpUrlAndAShortTimeout() {
        assertThat(problems(new Allocation(Allocation.Type.WEBHOOK, "fallback", null, "ftp://x", 60_000), EnrollmentGroup.Mechanism.X509))
                .containsExactly("allocation.url", "allocation.timeoutMillis");
    }

    @Test
    void aPolicyRoundTripsThroughItsStoredJson() {
        Allocation rules = new Allocation(Allocation.Type.RULES, "default", List.of(
                new Allocation.Rule("urn:dev:acme:a.*", Map.of("O", "Acme"), "p-a", List.of("line=a"))), null, null);
        assertThat(Allocation.fromJson(rules.json())).isEqualTo(rules);
    }

    @Test
    void theGateRefusesADisabledGroupAnEndpointOutsideItsPatternAndAFullGroup() {
        assertThat(new GroupGate("g", EnrollmentGroup.State.DISABLED, null, null, 0).check("urn:dev:1").refusal())
                .isEqualTo(Refusal.DISABLED);
        assertThat(new GroupGate("g", EnrollmentGroup.State.ENABLED, "urn:dev:acme:[0-9]+", null, 0).check("urn:dev:other:1")
                .refusal()).isEqualTo(Refusal.ENDPOINT_NOT_ADMISSIBLE);
        assertThat(new GroupGate("g", EnrollmentGroup.State.ENABLED, null, 2, 2).check("urn:dev:1").refusal())
                .isEqualTo(Refusal.LIMIT_REACHED);
        assertThat(new GroupGate("g", EnrollmentGroup.State.ENABLED, "urn:dev:acme:[0-9]+", 3, 2).check("urn:dev:acme:1")).isNull();
    }

    @Test
    void subjectAttributesAreReadByTheirUsualNames() {
        assertThat(Attestations.attributes(new javax.security.auth.x500.X500Principal(
                "CN=urn:dev:acme:7, OU=line-7, O=Acme Devices, C=DE, SERIALNUMBER=42")))
                .containsEntry("CN", "urn:dev:acme:7").containsEntry("OU", "line-7").containsEntry("O", "Acme Devices")
                .containsEntry("C", "DE").containsEntry("SERIALNUMBER", "42");
    }

    private static List<String> problems(Allocation allocation, EnrollmentGroup.Mechanism mechanism) {
        FieldProblems problems = new FieldProblems();
        allocation.check("allocation", mechanism, problems);
        return problems.list().stream().map(FieldProblem::field).toList();
    }
}
