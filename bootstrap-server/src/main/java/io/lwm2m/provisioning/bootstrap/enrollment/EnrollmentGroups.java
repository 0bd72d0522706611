package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.bootstrap.events.SigningKeys;
import io.lwm2m.provisioning.bootstrap.events.SigningSecret;
import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Enrollment groups as security officers manage them (issue 17): created with a group key or an
 * allocation secret that is shown once, changed, disabled, removed, and the per-device key of a
 * symmetric-key group derived for a factory line. What each group admitted or refused is read back
 * with {@link #admissions}.
 */
@Service
public class EnrollmentGroups {

    private final EnrollmentGroupRepository groups;
    private final GroupRules rules;
    private final AdmissionRecords records;
    private final GroupDirectory directory;
    private final SecretCipher cipher;
    private final SecureRandom random;
    private final AuditSink audit;
    private final EventSettings events;
    private final Clock clock;

    EnrollmentGroups(EnrollmentGroupRepository groups, GroupRules rules, AdmissionRecords records, GroupDirectory directory,
            SecretCipher cipher, SecureRandom random, AuditSink audit, EventSettings events, Clock clock) {
        this.groups = groups;
        this.rules = rules;
        this.records = records;
        this.directory = directory;
        this.cipher = cipher;
        this.random = random;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A group as a create or update left it, with the secrets that answer alone shows: the group key
     * (hex) when the server generated it, the allocation webhook's signing secret when one was made.
     */
    public record Saved(EnrollmentGroup group, String groupKey, String allocationSecret) {
    }

    @Transactional
    public Saved create(GroupSpec spec, Actor actor) {
        rules.check(spec, null);
        if (groups.findByName(spec.name()).isPresent()) {
            throw new ConflictException("name", "an enrollment group named '" + spec.name() + "' already exists");
        }
        byte[] key = null;
        boolean generated = false;
        if (spec.attestation().type() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY) {
            generated = spec.attestation().groupKey() == null;
            key = generated ? SigningSecret.generateKey(random) : spec.attestation().groupKey().clone();
        }
        try {
            Instant now = clock.instant();
            EnrollmentGroup group = new EnrollmentGroup(spec, key == null ? null
                    : cipher.seal(key, EnrollmentGroup.keyContext(spec.name())), now);
            String allocationSecret = ensureAllocationKeys(group, spec);
            group = groups.saveAndFlush(group);
            audit.record(actor.event("enrollment-group.create", target(group), AuditEvent.Outcome.SUCCESS, Map.of(
                    "mechanism", group.mechanism().name(), "state", group.state().name(),
                    "allocation", spec.allocation().type().name(), "groupKey", key == null ? "" : generated ? "generated" : "supplied")));
            GroupDirectoryRefresh.afterCommit(directory);
            return new Saved(group, generated ? HexFormat.of().formatHex(key) : null, allocationSecret);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** Replaces what a group's definition may change: all but its name, mechanism, identity prefix and key. */
    @Transactional
    public Saved update(String name, GroupSpec spec, Actor actor) {
        EnrollmentGroup group = find(name);
        rules.check(spec, group);
        group.change(spec, clock.instant());
        String allocationSecret = ensureAllocationKeys(group, spec);
        groups.saveAndFlush(group);
        audit.record(actor.event("enrollment-group.update", target(group), AuditEvent.Outcome.SUCCESS, Map.of(
                "state", group.state().name(), "allocation", spec.allocation().type().name())));
        GroupDirectoryRefresh.afterCommit(directory);
        return new Saved(group, null, allocationSecret);
    }

    /** A WEBHOOK allocation needs a signing secret: made (and returned, once) the first time. */
    private String ensureAllocationKeys(EnrollmentGroup group, GroupSpec spec) {
        if (spec.allocation().type() != Allocation.Type.WEBHOOK || (group.allocationKeys() != null
                && group.allocationKeys().current() != null)) {
            return null;
        }
        byte[] key = SigningSecret.generateKey(random);
        try {
            group.allocationKeys(new SigningKeys(cipher.seal(key, EnrollmentGroup.allocationContext(spec.name()))));
            return SigningSecret.text(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** A new allocation webhook secret, shown once; the previous one keeps signing for {@code provisioning.events.secret-overlap}. */
    @Transactional
    public Saved rotateAllocationSecret(String name, Actor actor) {
        EnrollmentGroup group = find(name);
        if (group.allocationKeys() == null || group.allocationKeys().current() == null) {
            throw new ConflictException("allocation", "enrollment group '" + name + "' has no allocation webhook");
        }
        byte[] key = SigningSecret.generateKey(random);
        try {
            Instant now = clock.instant();
            group.allocationKeys().rotate(cipher.seal(key, EnrollmentGroup.allocationContext(name)), now.plus(events.secretOverlap()));
            group.touched(now);
            groups.saveAndFlush(group);
            audit.record(actor.event("enrollment-group.rotate-allocation-secret", target(group), AuditEvent.Outcome.SUCCESS,
                    Map.of("previousValidUntil", now.plus(events.secretOverlap()).toString())));
            return new Saved(group, null, SigningSecret.text(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Removes the group and its admission records; the devices it admitted stay, as ordinary devices. */
    @Transactional
    public void delete(String name, Actor actor) {
        EnrollmentGroup group = find(name);
        groups.delete(group);
        groups.flush();
        audit.record(actor.event("enrollment-group.delete", target(group), AuditEvent.Outcome.SUCCESS,
                Map.of("admitted", Integer.toString(group.admitted()))));
        GroupDirectoryRefresh.afterCommit(directory);
    }

    /** A device's PSK identity and key in a symmetric-key group: for the factory line that injects them. Audited. */
    @Transactional
    public Derived derive(String name, String endpoint, Actor actor) {
        EnrollmentGroup group = find(name);
        if (group.mechanism() != EnrollmentGroup.Mechanism.SYMMETRIC_KEY) {
            throw new ConflictException("name", "enrollment group '" + name + "' is X509: its devices hold factory certificates");
        }
        if (!EndpointName.isValid(endpoint)) {
            throw new InvalidInputException("endpoint", EndpointName.RULE);
        }
        if (!GroupSpec.admissible(endpoint, group.endpointPattern())) {
            throw new InvalidInputException("endpoint", "does not match the group's endpoint pattern (" + group.endpointPattern() + ")");
        }
        String identity = group.identityPrefix() + endpoint;
        byte[] groupKey = cipher.open(group.groupKey(), EnrollmentGroup.keyContext(name));
        byte[] key = GroupKeys.derive(groupKey, identity, group.derivedKeyLength());
        try {
            audit.record(actor.event("enrollment-group.derive", target(group), AuditEvent.Outcome.SUCCESS,
                    Map.of("endpoint", endpoint, "identity", identity)));
            return new Derived(endpoint, identity, HexFormat.of().formatHex(key));
        } finally {
            Arrays.fill(groupKey, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** A device's derived credential: its PSK identity and key (hex). */
    public record Derived(String endpoint, String identity, String key) {

        @Override
        public String toString() {
            return "Derived[" + endpoint + ", " + identity + "]";
        }
    }

    @Transactional(readOnly = true)
    public EnrollmentGroup get(String name) {
        return find(name);
    }

    @Transactional(readOnly = true)
    public List<EnrollmentGroup> list() {
        return groups.findAllByOrderByNameAsc();
    }

    /** The group's admissions and refusals ({@code outcome} ADMITTED, REFUSED or null for both), newest first. */
    @Transactional(readOnly = true)
    public List<AdmissionView> admissions(String name, String outcome, long beforeId, int limit) {
        return records.page(find(name).id(), outcome, beforeId, limit);
    }

    /** How many first contacts the group admitted and refused (each device and rule once). */
    @Transactional(readOnly = true)
    public Map<String, Long> counts(String name) {
        return records.counts(find(name).id());
    }

    private EnrollmentGroup find(String name) {
        return groups.findByName(name).orElseThrow(() -> new NotFoundException("no enrollment group named '" + name + "'"));
    }

    private static String target(EnrollmentGroup group) {
        return "enrollment-group:" + group.name();
    }
}
