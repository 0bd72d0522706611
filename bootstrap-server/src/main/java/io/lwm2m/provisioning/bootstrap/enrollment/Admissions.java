package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceState;
import io.lwm2m.provisioning.bootstrap.devices.DeviceView;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.bootstrap.sessions.DeviceAdmission;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Admission on first contact (issue 17, decision 075): an identity that belongs to no device, whose
 * handshake proved a group's trust anchor, is checked against the group's rules (enabled, the
 * endpoint pattern, the limit, no other device with that endpoint; a revoked device is never
 * admitted again), given a profile by the group's allocation, and created exactly once. Every refusal
 * is recorded with the group. An identity no group covers costs nothing here: the handshake already
 * refused it (ADR 020), so this is reached only by a device holding a group's credential.
 */
@Component
class Admissions implements DeviceAdmission {

    private final Attestations attestations;
    private final EnrollmentGroupRepository groups;
    private final Allocator allocator;
    private final AdmissionTransaction transaction;
    private final AdmissionRecords records;
    private final BootstrapConfigStore configs;
    private final DeviceQueries queries;
    private final List<AdmissionListener> listeners;
    private final java.time.Clock clock;

    Admissions(Attestations attestations, EnrollmentGroupRepository groups, Allocator allocator, AdmissionTransaction transaction,
            AdmissionRecords records, BootstrapConfigStore configs, DeviceQueries queries, List<AdmissionListener> listeners,
            java.time.Clock clock) {
        this.attestations = attestations;
        this.groups = groups;
        this.allocator = allocator;
        this.transaction = transaction;
        this.records = records;
        this.configs = configs;
        this.queries = queries;
        this.listeners = listeners;
        this.clock = clock;
    }

    @Override
    public Admission admit(ClientIdentity identity, String requestedEndpoint, Channel channel, String peer) {
        Optional<Attested> attested = attestations.of(identity);
        if (attested.isEmpty()) {
            return new Admission.NotCovered();
        }
        Attested device = attested.get();
        Admission admission = decide(identity, device, requestedEndpoint, channel, peer);
        String outcome = admission instanceof Admission.Admitted ? "admitted" : admission instanceof Admission.Refused ? "refused" : null;
        if (outcome != null) {
            listeners.forEach(l -> l.admission(device.mechanism().name(), outcome));
        }
        return admission;
    }

    private Admission decide(ClientIdentity identity, Attested device, String requestedEndpoint, Channel channel, String peer) {
        if (requestedEndpoint != null && !requestedEndpoint.equals(device.endpoint())) {
            return refuse(device, channel, new GroupGate.Refused(Refusal.ENDPOINT_MISMATCH, "the request names endpoint '"
                    + AdmissionRecords.bounded(requestedEndpoint, 80) + "' but the credential attests '"
                    + AdmissionRecords.bounded(device.endpoint(), 80) + "'"), null, peer);
        }
        Optional<EnrollmentGroup> group = groups.findById(device.groupId());
        if (group.isEmpty()) {
            return new Admission.NotCovered();
        }
        // The cheap checks first: a refused device costs no allocation webhook call.
        GroupGate.Refused refused = GroupGate.of(group.get()).check(device.endpoint());
        if (refused == null && queries.find(device.endpoint()).isPresent()) {
            if (configs.bootstrapCredentialId(identity).isPresent()) {
                return new Admission.Admitted(device.endpoint());
            }
            refused = deviceExists(device.endpoint(), queries);
        }
        if (refused != null) {
            return refuse(device, channel, refused, null, peer);
        }
        AllocationDecision allocation = allocator.allocate(group.get(), device, channel.name(), peer);
        if (!allocation.allocated()) {
            return refuse(device, channel, new GroupGate.Refused(Refusal.NOT_ALLOCATED, "no profile was allocated: "
                    + allocation.detail()), allocation, peer);
        }
        try {
            return transaction.admit(identity, device, allocation, channel, peer);
        } catch (DataIntegrityViolationException | ConflictException | NotFoundException | InvalidInputException e) {
            // A concurrent first contact through another group, or a profile removed since the allocation.
            if (configs.bootstrapCredentialId(identity).isPresent()) {
                return new Admission.Admitted(device.endpoint());
            }
            return refuse(device, channel, new GroupGate.Refused(Refusal.NOT_ALLOCATED, "the device could not be created: "
                    + e.getMessage()), allocation, peer);
        }
    }

    private Admission refuse(Attested device, Channel channel, GroupGate.Refused refused, AllocationDecision allocation,
            String peer) {
        records.refused(device, channel, refused.refusal(), refused.reason(), allocation, peer, clock.instant());
        return new Admission.Refused(refused.reason());
    }

    /** Why a device with this endpoint that this credential does not belong to keeps it from being admitted. */
    static GroupGate.Refused deviceExists(String endpoint, DeviceQueries queries) {
        Optional<DeviceView> existing = queries.find(endpoint);
        String why = existing.map(DeviceView::state).orElse(null) == DeviceState.DELETED
                ? "was deleted; its endpoint stays reserved"
                : existing.map(d -> d.bootstrapCredentials().isEmpty()).orElse(false)
                ? "has no live bootstrap credential (it was revoked): a revoked device is not admitted again"
                : "exists with another bootstrap credential";
        return new GroupGate.Refused(Refusal.DEVICE_EXISTS, "device '" + endpoint + "' " + why);
    }
}
