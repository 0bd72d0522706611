package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.events.WebhookUrls;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The rules a group's definition must meet against everything else: its manufacturer CAs and
 * profiles exist, and a device's credential names one group at most, so that which group admits it
 * never depends on the order groups are looked at: a manufacturer CA belongs to one X.509 group, and
 * no symmetric-key group's identity prefix starts another's.
 */
@Component
class GroupRules {

    private final EnrollmentGroupRepository groups;
    private final ManufacturerCaService manufacturers;
    private final ProfileService profiles;
    private final WebhookUrls webhookUrls;

    GroupRules(EnrollmentGroupRepository groups, ManufacturerCaService manufacturers, ProfileService profiles,
            WebhookUrls webhookUrls) {
        this.groups = groups;
        this.manufacturers = manufacturers;
        this.profiles = profiles;
        this.webhookUrls = webhookUrls;
    }

    /** Throws 400 naming every broken field, or 409 for a clash with another group. {@code existing}: null when creating. */
    void check(GroupSpec spec, EnrollmentGroup existing) {
        FieldProblems problems = spec.check(new FieldProblems());
        if (existing != null) {
            unchangeable(spec, existing, problems);
        }
        if (spec.attestation() != null) {
            spec.attestation().manufacturerCas().stream().filter(ca -> !manufacturers.exists(ca))
                    .forEach(ca -> problems.add("attestation.manufacturerCas", "no manufacturer CA named '" + ca + "' is registered"));
        }
        if (spec.allocation() != null) {
            spec.allocation().profiles().stream().distinct().filter(p -> !profiles.exists(p))
                    .forEach(p -> problems.add("allocation", "no profile named '" + p + "'"));
            webhookUrls.check(spec.allocation().url(), "allocation.url", problems);
        }
        problems.throwIfAny();
        List<EnrollmentGroup> others = groups.findAll().stream().filter(g -> !g.name().equals(spec.name())).toList();
        for (EnrollmentGroup other : others) {
            clash(spec, other);
        }
    }

    private static void unchangeable(GroupSpec spec, EnrollmentGroup existing, FieldProblems problems) {
        if (!existing.name().equals(spec.name())) {
            problems.add("name", "cannot change (it is '" + existing.name() + "')");
        }
        if (spec.attestation() != null && spec.attestation().type() != existing.mechanism()) {
            problems.add("attestation.type", "cannot change (it is " + existing.mechanism() + "); create another group");
        }
        if (spec.attestation() != null && existing.mechanism() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY) {
            if (!existing.identityPrefix().equals(spec.attestation().identityPrefix())) {
                problems.add("attestation.identityPrefix", "cannot change (it is '" + existing.identityPrefix()
                        + "'): every device's derived key depends on it");
            }
            if (!existing.derivedKeyLength().equals(spec.attestation().derivedKeyLength())) {
                problems.add("attestation.derivedKeyLength", "cannot change (it is " + existing.derivedKeyLength()
                        + "): every device's derived key depends on it");
            }
            if (spec.attestation().groupKey() != null) {
                problems.add("attestation.groupKey", "cannot change: every device's derived key depends on it");
            }
        }
    }

    private static void clash(GroupSpec spec, EnrollmentGroup other) {
        GroupSpec.Attestation attestation = spec.attestation();
        if (attestation.type() == EnrollmentGroup.Mechanism.X509 && other.mechanism() == EnrollmentGroup.Mechanism.X509) {
            attestation.manufacturerCas().stream().filter(other.manufacturerCas()::contains).findFirst().ifPresent(ca -> {
                throw new ConflictException("attestation.manufacturerCas", "manufacturer CA '" + ca
                        + "' already belongs to enrollment group '" + other.name() + "'");
            });
        }
        if (attestation.type() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY && other.mechanism() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY) {
            String prefix = attestation.identityPrefix();
            if (prefix.startsWith(other.identityPrefix()) || other.identityPrefix().startsWith(prefix)) {
                throw new ConflictException("attestation.identityPrefix", "identity prefix '" + prefix + "' overlaps '"
                        + other.identityPrefix() + "' of enrollment group '" + other.name()
                        + "': a PSK identity must name one group");
            }
        }
    }
}
