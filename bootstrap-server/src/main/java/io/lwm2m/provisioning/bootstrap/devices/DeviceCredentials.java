package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialFactory;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialEvents;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.events.EventSink;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A device's credential lifecycle as the API drives it: rotation without lockout, the DM side's
 * confirmation of a rotated credential, revocation. A credential target is {@code bootstrap} or
 * {@code server} (with the DM server's name); revocation also takes {@code all}.
 */
@Service
public class DeviceCredentials {

    private final DeviceRecords records;
    private final DeviceCredentialRepository credentials;
    private final CredentialFactory factory;
    private final CredentialSealing sealing;
    private final CredentialLifecycle lifecycle;
    private final EventSink events;
    private final AuditSink audit;
    private final Clock clock;

    DeviceCredentials(DeviceRecords records, DeviceCredentialRepository credentials, CredentialFactory factory,
            CredentialSealing sealing, CredentialLifecycle lifecycle, EventSink events, AuditSink audit, Clock clock) {
        this.records = records;
        this.credentials = credentials;
        this.factory = factory;
        this.sealing = sealing;
        this.lifecycle = lifecycle;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A rotated credential: its secrets, handed out once, and the stored credential as reads show it.
     */
    public record Rotation(IssuedCredential issued, CredentialView stored) {
    }

    /**
     * Rotates one credential of a device: the new one is stored PENDING beside the active one and
     * returned (once); both authenticate until the device proves it holds the new one. A device
     * whose credential was revoked gets the new one ACTIVE at once.
     *
     * @param serverName the DM server, for target {@code server}
     */
    @Transactional
    public Rotation rotate(String endpoint, String target, String serverName, Actor actor) {
        Device device = records.findHeld(endpoint);
        DeviceRecords.requireNotDeleted(device);
        DmServer server = channelServer(device, target, serverName);
        List<DeviceCredential> live = live(device, server);
        live.stream().filter(c -> c.status() == CredentialStatus.PENDING).findFirst().ifPresent(pending -> {
            throw new ConflictException("target", "credential " + pending.id() + " of this channel is already pending; "
                    + "confirm or revoke it before rotating again");
        });
        DeviceCredential active = live.stream().filter(c -> c.status() == CredentialStatus.ACTIVE).findFirst().orElse(null);
        SecurityMode mode = active != null ? active.mode() : server != null ? server.securityMode() : SecurityMode.PSK;
        NewCredential fresh = factory.generate(mode, endpoint, actor.name());
        // Microseconds, as PostgreSQL keeps them: the answer shows the creation time every later read shows.
        DeviceCredential row = credentials.saveAndFlush(sealing.row(device, server, fresh,
                active == null ? CredentialStatus.ACTIVE : CredentialStatus.PENDING, clock.instant().truncatedTo(ChronoUnit.MICROS)));
        audit.record(actor.event("credential.rotate", "device:" + endpoint, AuditEvent.Outcome.SUCCESS, Map.of(
                "channel", row.channel().name(), "server", server == null ? "" : server.name(),
                "credentialId", row.id().toString(), "status", row.status().name())));
        // A DM server's rotation webhook is a subscription to this event for that server (decision 078).
        events.publish(CredentialEvents.rotated(endpoint, row, server == null ? null : server.name(), actor.name()));
        return new Rotation(new IssuedCredential(server == null ? null : server.name(), row.id(), fresh), CredentialView.of(row));
    }

    /** The DM server side confirms the device uses its pending credential: it becomes active, the old one retires. */
    @Transactional
    public DeviceView confirm(String endpoint, long credentialId, Actor actor) {
        lifecycle.confirm(credentialId, endpoint, actor);
        return records.view(records.find(endpoint));
    }

    /** Revokes the device's live credentials of one channel ({@code target} bootstrap or server) or all ({@code all}). */
    @Transactional
    public List<CredentialView> revoke(String endpoint, String target, String serverName, int reasonCode, Actor actor) {
        Device device = records.findHeld(endpoint);
        List<DeviceCredential> live = "all".equals(target) ? records.live(device)
                : live(device, channelServer(device, target, serverName));
        return lifecycle.revoke(live, reasonCode, actor).stream().map(CredentialView::of).toList();
    }

    /** The live credentials of one channel: the bootstrap channel when {@code server} is null. */
    private List<DeviceCredential> live(Device device, DmServer server) {
        return credentials.findLive(device.id(), server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                server == null ? null : server.id());
    }

    /** The DM server a credential target names: null for the bootstrap channel. */
    private static DmServer channelServer(Device device, String target, String serverName) {
        if ("bootstrap".equals(target)) {
            if (serverName != null) {
                throw new InvalidInputException("server", "is only for target 'server'");
            }
            return null;
        }
        if (!"server".equals(target)) {
            throw new InvalidInputException("target", "must be 'bootstrap' or 'server'");
        }
        if (serverName == null || serverName.isBlank()) {
            throw new InvalidInputException("server", "is required for target 'server': the DM server's name");
        }
        return device.servers().stream().filter(s -> s.name().equals(serverName)).findFirst()
                .orElseThrow(() -> new InvalidInputException("server", "device '" + device.endpoint()
                        + "' is not provisioned for DM server '" + serverName + "'"));
    }
}
