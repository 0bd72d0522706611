package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.devices.BootstrapConfigStore;
import io.lwm2m.provisioning.bootstrap.devices.DeviceQueries;
import io.lwm2m.provisioning.bootstrap.devices.DeviceRegistrar;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.bootstrap.sessions.DeviceAdmission;
import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventSink;
import io.lwm2m.provisioning.events.EventTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The writing half of an admission, one transaction: the group's row is locked first, so two
 * replicas admitting the same device (or filling the last place of a group) take turns; the second
 * finds the device the first created and creates nothing. Then the device is registered as any
 * device is (decision 050), with the credential it proved (its derived PSK, or its factory
 * certificate), counted against the group's limit, recorded, audited and announced
 * ({@code device.admitted}), all committing together.
 */
@Component
class AdmissionTransaction {

    private final JdbcTemplate jdbc;
    private final DeviceRegistrar registrar;
    private final DeviceQueries queries;
    private final BootstrapConfigStore configs;
    private final GroupDirectory directory;
    private final AdmissionRecords records;
    private final AuditSink audit;
    private final EventSink events;
    private final Clock clock;

    AdmissionTransaction(JdbcTemplate jdbc, DeviceRegistrar registrar, DeviceQueries queries, BootstrapConfigStore configs,
            GroupDirectory directory, AdmissionRecords records, AuditSink audit, EventSink events, Clock clock) {
        this.jdbc = jdbc;
        this.registrar = registrar;
        this.queries = queries;
        this.configs = configs;
        this.directory = directory;
        this.records = records;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public DeviceAdmission.Admission admit(ClientIdentity identity, Attested device, AllocationDecision allocation,
            DeviceAdmission.Channel channel, String peer) {
        List<Locked> locked = jdbc.query("""
                SELECT name, state, endpoint_pattern, device_limit, admitted, labels FROM enrollment_groups WHERE id = ? FOR UPDATE""",
                (row, n) -> new Locked(new GroupGate(row.getString(1), EnrollmentGroup.State.valueOf(row.getString(2)), row.getString(3),
                        row.getObject(4, Integer.class), row.getInt(5)), Arrays.asList((String[]) row.getArray(6).getArray())),
                device.groupId());
        if (locked.isEmpty()) {
            return new DeviceAdmission.Admission.NotCovered(); // the group was deleted meanwhile
        }
        if (configs.bootstrapCredentialId(identity).isPresent()) {
            return new DeviceAdmission.Admission.Admitted(device.endpoint()); // a concurrent first contact admitted it
        }
        Instant now = clock.instant();
        GroupGate.Refused refused = locked.get(0).gate().check(device.endpoint());
        if (refused == null && queries.find(device.endpoint()).isPresent()) {
            refused = Admissions.deviceExists(device.endpoint(), queries);
        }
        if (refused != null) {
            records.refused(device, channel, refused.refusal(), refused.reason(), allocation, peer, now);
            return new DeviceAdmission.Admission.Refused(refused.reason());
        }
        create(identity, device, allocation, channel, peer, locked.get(0), now);
        return new DeviceAdmission.Admission.Admitted(device.endpoint());
    }

    /** The group's row as the admission locked it: its rules and the labels its devices get. */
    private record Locked(GroupGate gate, List<String> labels) {
    }

    private void create(ClientIdentity identity, Attested device, AllocationDecision allocation, DeviceAdmission.Channel channel,
            String peer, Locked locked, Instant now) {
        String group = locked.gate().name();
        Actor actor = new Actor("enrollment-group:" + group, null, peer, null);
        Set<String> distinct = new LinkedHashSet<>(locked.labels());
        distinct.addAll(allocation.labels());
        List<String> labels = List.copyOf(distinct);
        NewDevice spec = device.mechanism() == EnrollmentGroup.Mechanism.SYMMETRIC_KEY
                ? new NewDevice(device.endpoint(), null, allocation.profile(), null, SecurityMode.PSK, identity.pskIdentity(),
                        directory.derivedKey(identity.pskIdentity()).orElseThrow(), false, null, labels)
                : new NewDevice(device.endpoint(), null, allocation.profile(), null, SecurityMode.X509, null, null, true, null, labels);
        registrar.register(spec, actor);
        jdbc.update("UPDATE enrollment_groups SET admitted = admitted + 1 WHERE id = ?", device.groupId());
        long deviceId = configs.deviceIdOf(device.endpoint()).orElseThrow();
        records.admitted(device, channel, allocation, deviceId, peer, now);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("group", group);
        details.put("mechanism", device.mechanism().name());
        details.put("channel", channel.name());
        details.put("profile", allocation.profile());
        details.put("allocation", allocation.source() + (allocation.detail() == null ? "" : ": " + allocation.detail()));
        details.put("attestation", String.valueOf(device.facts().getOrDefault("pskIdentity",
                device.facts().getOrDefault("subject", "") + " serial " + device.facts().get("serial"))));
        audit.record(actor.event("device.admit", "device:" + device.endpoint(), AuditEvent.Outcome.SUCCESS, details));
        events.publish(Event.ofDevice(EventTypes.DEVICE_ADMITTED, device.endpoint(), null,
                admittedEvent(device, group, channel, allocation, labels)));
    }

    private static Map<String, Object> admittedEvent(Attested device, String group, DeviceAdmission.Channel channel,
            AllocationDecision allocation, List<String> labels) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint", device.endpoint());
        data.put("group", group);
        data.put("channel", channel.name());
        data.put("profile", allocation.profile());
        data.put("labels", labels);
        data.put("allocation", allocation.facts());
        data.put("attestation", device.facts());
        return data;
    }
}
