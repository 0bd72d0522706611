package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A device's state: ACTIVE, DISABLED (its Bootstrap-Requests refused) or DELETED (a tombstone). */
@Service
public class DeviceStates {

    /** RFC 5280 CRLReason cessationOfOperation: what a deleted device's certificates are revoked with. */
    private static final int CESSATION_OF_OPERATION = 5;

    private final DeviceRecords records;
    private final CredentialLifecycle lifecycle;
    private final AuditSink audit;
    private final Clock clock;

    DeviceStates(DeviceRecords records, CredentialLifecycle lifecycle, AuditSink audit, Clock clock) {
        this.records = records;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Disables a device: its Bootstrap-Requests are refused (4.00, the reason in the session record
     * and the audit log) until it is enabled again. Its credentials stay as they are.
     */
    @Transactional
    public DeviceView disable(String endpoint, String reason, Actor actor) {
        return change(endpoint, DeviceState.DISABLED, "device.disable", reason, actor);
    }

    /** Enables a disabled device again. */
    @Transactional
    public DeviceView enable(String endpoint, Actor actor) {
        return change(endpoint, DeviceState.ACTIVE, "device.enable", null, actor);
    }

    private DeviceView change(String endpoint, DeviceState state, String action, String reason, Actor actor) {
        Device device = records.findHeld(endpoint);
        DeviceRecords.requireNotDeleted(device);
        if (device.state() != state) {
            device.changeState(state, clock.instant());
            audit.record(actor.event(action, "device:" + endpoint, AuditEvent.Outcome.SUCCESS,
                    reason == null ? Map.of() : Map.of("reason", reason)));
        }
        return records.view(device);
    }

    /**
     * Deletes a device: every live credential is revoked (certificates too, reason
     * cessationOfOperation, into the CRL; DTLS connections dropped) and the device stays as a
     * DELETED tombstone, so its sessions and audit events keep naming it and its endpoint is never
     * reused for another device.
     */
    @Transactional
    public DeviceView delete(String endpoint, Actor actor) {
        Device device = records.findHeld(endpoint);
        DeviceRecords.requireNotDeleted(device);
        List<DeviceCredential> revoked = lifecycle.revoke(records.live(device), CESSATION_OF_OPERATION, actor);
        device.changeState(DeviceState.DELETED, clock.instant());
        audit.record(actor.event("device.delete", "device:" + endpoint, AuditEvent.Outcome.SUCCESS,
                Map.of("revokedCredentials", Integer.toString(revoked.size()))));
        return DeviceRecords.view(device, List.of());
    }
}
