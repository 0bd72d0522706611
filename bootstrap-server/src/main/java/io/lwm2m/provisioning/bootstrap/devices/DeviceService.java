package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionRecord;
import io.lwm2m.provisioning.bootstrap.sessions.SessionRecorder;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialFactory;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialLifecycle;
import io.lwm2m.provisioning.bootstrap.credentials.RotationAnnouncer;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Pre-registers devices and generates their credentials. */
@Service
public class DeviceService {

    private static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);
    /** RFC 5280 CRLReason cessationOfOperation: what a deleted device's certificates are revoked with. */
    private static final int CESSATION_OF_OPERATION = 5;

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final DmServerService servers;
    private final CredentialFactory factory;
    private final SecretCipher cipher;
    private final SessionRecorder sessionHistory;
    private final CredentialLifecycle lifecycle;
    private final RotationAnnouncer announcer;
    private final ProfileService profiles;
    private final AuditSink audit;
    private final Clock clock;

    DeviceService(DeviceRepository devices, DeviceCredentialRepository credentials, DmServerService servers,
            CredentialFactory factory, SecretCipher cipher, SessionRecorder sessionHistory, CredentialLifecycle lifecycle,
            RotationAnnouncer announcer, ProfileService profiles, AuditSink audit, Clock clock) {
        this.profiles = profiles;
        this.lifecycle = lifecycle;
        this.announcer = announcer;
        this.sessionHistory = sessionHistory;
        this.devices = devices;
        this.credentials = credentials;
        this.servers = servers;
        this.factory = factory;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Stores the device with a bootstrap credential and one credential per DM server, and returns
     * the generated secrets; they are never returned again.
     */
    @Transactional
    public DeviceRegistration register(NewDevice spec, Actor actor) {
        Profile profile = null;
        EffectiveProfile effective;
        List<DmServer> deviceServers;
        if (spec.profile() != null) {
            profile = profiles.get(spec.profile());
            ProfileDefinition base = ProfileService.definition(profile);
            if (spec.overrides() != null) {
                FieldProblems problems = new FieldProblems();
                profiles.validateOverrides(base, spec.overrides(), problems);
                problems.throwIfAny();
            }
            deviceServers = servers.findByNames(base.serverList().stream().map(ProfileDefinition.ServerSettings::server).toList());
            effective = profiles.effective(profile.name(), base.overriddenBy(spec.overrides()), deviceServers);
        } else {
            deviceServers = resolveServers(spec.servers());
            effective = profiles.effective((String) null, null, deviceServers);
        }
        if (devices.existsByEndpoint(spec.endpoint())) {
            throw new ConflictException("endpoint", "a device with endpoint '" + spec.endpoint() + "' already exists");
        }
        boolean supplied = spec.pskIdentity() != null;
        if (supplied && credentials.existsLivePskIdentity(CredentialChannel.BOOTSTRAP, spec.pskIdentity(), LIVE)) {
            throw new ConflictException("bootstrapCredential.identity",
                    "the PSK identity '" + spec.pskIdentity() + "' already belongs to another device");
        }
        Instant now = clock.instant();
        try {
            Device device = devices.saveAndFlush(new Device(spec.endpoint(), deviceServers, profile,
                    ProfileService.json(spec.overrides()), now));
            NewCredential bootstrap = supplied ? CredentialFactory.suppliedPsk(spec.pskIdentity(), spec.pskKey())
                    : spec.factoryCertificate() ? CredentialFactory.factoryCertificate()
                    : factory.generate(spec.bootstrapMode(), spec.endpoint(), actor.name());
            List<DeviceCredential> created = new ArrayList<>();
            List<NewCredential> generated = new ArrayList<>();
            created.add(store(device, null, bootstrap, CredentialStatus.ACTIVE, now));
            generated.add(bootstrap);
            for (EffectiveProfile.EffectiveServer server : effective.servers()) {
                NewCredential credential = factory.generate(server.securityMode(), spec.endpoint(), actor.name());
                created.add(store(device, server.server(), credential, CredentialStatus.ACTIVE, now));
                generated.add(credential);
            }
            credentials.saveAllAndFlush(created);
            List<IssuedCredential> issued = new ArrayList<>();
            for (int i = 0; i < created.size(); i++) {
                DeviceCredential c = created.get(i);
                issued.add(new IssuedCredential(c.server() == null ? null : c.server().name(), c.id(), generated.get(i)));
            }
            audit.record(actor.event("device.create", "device:" + spec.endpoint(), AuditEvent.Outcome.SUCCESS, Map.of(
                    "servers", deviceServers.stream().map(DmServer::name).collect(java.util.stream.Collectors.joining(",")),
                    "profile", spec.profile() == null ? "" : spec.profile(),
                    "bootstrapMode", bootstrap.mode().name(),
                    "bootstrapIdentity", bootstrap.pskIdentity() == null ? "" : bootstrap.pskIdentity(),
                    "bootstrapKey", supplied ? "supplied" : "generated")));
            return new DeviceRegistration(view(device, created), issued.get(0), issued.subList(1, issued.size()));
        } catch (DataIntegrityViolationException e) {
            // Another request registered the same endpoint or identity between our checks and the insert.
            String constraint = String.valueOf(e.getMostSpecificCause().getMessage());
            if (constraint.contains("device_credentials_bootstrap_identity_key")) {
                throw new ConflictException("bootstrapCredential.identity",
                        "the PSK identity '" + spec.pskIdentity() + "' already belongs to another device");
            }
            throw new ConflictException("endpoint", "a device with endpoint '" + spec.endpoint() + "' already exists");
        }
    }

    /** Seals the credential's secret (bound to its row) and builds the row. */
    DeviceCredential store(Device device, DmServer server, NewCredential credential, CredentialStatus status, Instant now) {
        byte[] secret = credential.secret();
        SealedSecret sealed = secret == null ? null : cipher.seal(secret, DeviceCredential.secretContext(device.endpoint(),
                server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                server == null ? null : server.name(), credential.pskIdentity()));
        return DeviceCredential.of(device, server, credential, sealed, status, now);
    }

    /**
     * Rotates one credential of a device: the new one is stored PENDING beside the active one and
     * returned (once); both authenticate until the device proves it holds the new one. A device
     * whose credential was revoked gets the new one ACTIVE at once.
     *
     * @param target     {@code bootstrap} or {@code server}
     * @param serverName the DM server, for target {@code server}
     */
    @Transactional
    public IssuedCredential rotate(String endpoint, String target, String serverName, Actor actor) {
        Device device = find(endpoint);
        requireNotDeleted(device);
        DmServer server = channelServer(device, target, serverName);
        List<DeviceCredential> live = credentials.findLive(device.id(),
                server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER, server == null ? null : server.id(), LIVE);
        live.stream().filter(c -> c.status() == CredentialStatus.PENDING).findFirst().ifPresent(pending -> {
            throw new ConflictException("target", "credential " + pending.id() + " of this channel is already pending; "
                    + "confirm or revoke it before rotating again");
        });
        DeviceCredential active = live.stream().filter(c -> c.status() == CredentialStatus.ACTIVE).findFirst().orElse(null);
        SecurityMode mode = active != null ? active.mode() : server != null ? server.securityMode() : SecurityMode.PSK;
        NewCredential fresh = factory.generate(mode, endpoint, actor.name());
        DeviceCredential row = credentials.saveAndFlush(store(device, server, fresh,
                active == null ? CredentialStatus.ACTIVE : CredentialStatus.PENDING, clock.instant()));
        audit.record(actor.event("credential.rotate", "device:" + endpoint, AuditEvent.Outcome.SUCCESS, Map.of(
                "channel", row.channel().name(), "server", server == null ? "" : server.name(),
                "credentialId", row.id().toString(), "status", row.status().name())));
        if (server != null && server.rotationWebhookUrl() != null && row.status() == CredentialStatus.PENDING) {
            announcer.announce(server.rotationWebhookUrl(), server.name(), endpoint, row.id());
        }
        return new IssuedCredential(server == null ? null : server.name(), row.id(), fresh);
    }

    /** Revokes the device's live credentials of one channel ({@code target} bootstrap or server) or all ({@code all}). */
    @Transactional
    public List<CredentialView> revokeCredentials(String endpoint, String target, String serverName, int reasonCode, Actor actor) {
        Device device = find(endpoint);
        List<DeviceCredential> live;
        if ("all".equals(target)) {
            live = credentials.findByDeviceIdAndStatusIn(device.id(), LIVE);
        } else {
            DmServer server = channelServer(device, target, serverName);
            live = credentials.findLive(device.id(), server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                    server == null ? null : server.id(), LIVE);
        }
        return lifecycle.revoke(live, reasonCode, actor).stream().map(CredentialView::of).toList();
    }

    private Device find(String endpoint) {
        return devices.findByEndpoint(endpoint)
                .orElseThrow(() -> new NotFoundException("no device with endpoint '" + endpoint + "'"));
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

    /** What the device receives in its next bootstrap, resolved from its profile and overrides. */
    @Transactional(readOnly = true)
    public EffectiveProfile effectiveProfile(String endpoint) {
        return effectiveProfile(find(endpoint));
    }

    private EffectiveProfile effectiveProfile(Device device) {
        return profiles.effectiveFor(device.profile(), device.overridesJson(), device.servers());
    }

    @Transactional(readOnly = true)
    public DeviceView get(String endpoint) {
        Device device = find(endpoint);
        return view(device, credentials.findByDeviceIdAndStatusIn(device.id(), LIVE));
    }

    /** One page of the device's bootstrap sessions, newest first, after the cursor's session (null: the newest). */
    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> sessions(String endpoint, Instant before, java.util.UUID afterId, int limit) {
        return sessionHistory.pageForDevice(find(endpoint).id(), before, afterId, limit);
    }

    /**
     * One page of devices in {@code states}, in registration order, after the device with internal id
     * {@code afterId}; no credentials (list views stay one query).
     */
    @Transactional(readOnly = true)
    public List<DeviceSummary> list(Set<DeviceState> states, long afterId, int limit) {
        return devices.findByStateInAndIdGreaterThanOrderById(states, afterId, org.springframework.data.domain.Limit.of(limit))
                .stream().map(d -> new DeviceSummary(d.id(), d.endpoint(), d.state(),
                        d.profile() == null ? null : d.profile().name(), d.createdAt(), d.updatedAt()))
                .toList();
    }

    /** Whether the device exists and may bootstrap and enroll (it is ACTIVE). */
    @Transactional(readOnly = true)
    public boolean isEnabled(String endpoint) {
        return devices.findByEndpoint(endpoint).map(d -> d.state() == DeviceState.ACTIVE).orElse(false);
    }

    /**
     * For paths that let a device obtain credentials (EST enrollment): 404 for an unknown device,
     * a conflict on the {@code state} field for a disabled or deleted one.
     */
    @Transactional(readOnly = true)
    public void requireEnabled(String endpoint) {
        Device device = find(endpoint);
        if (device.state() != DeviceState.ACTIVE) {
            throw new ConflictException("state", "device '" + endpoint + "' is " + device.state());
        }
    }

    /**
     * Disables a device: its Bootstrap-Requests are refused (4.00, the reason in the session record
     * and the audit log) until it is enabled again. Its credentials stay as they are.
     */
    @Transactional
    public DeviceView disable(String endpoint, String reason, Actor actor) {
        return changeState(endpoint, DeviceState.DISABLED, "device.disable", reason, actor);
    }

    /** Enables a disabled device again. */
    @Transactional
    public DeviceView enable(String endpoint, Actor actor) {
        return changeState(endpoint, DeviceState.ACTIVE, "device.enable", null, actor);
    }

    private DeviceView changeState(String endpoint, DeviceState state, String action, String reason, Actor actor) {
        Device device = find(endpoint);
        requireNotDeleted(device);
        if (device.state() != state) {
            device.changeState(state, clock.instant());
            audit.record(actor.event(action, "device:" + endpoint, AuditEvent.Outcome.SUCCESS,
                    reason == null ? Map.of() : Map.of("reason", reason)));
        }
        return view(device, credentials.findByDeviceIdAndStatusIn(device.id(), LIVE));
    }

    /**
     * Deletes a device: every live credential is revoked (certificates too, reason
     * cessationOfOperation, into the CRL; DTLS connections dropped) and the device stays as a
     * DELETED tombstone, so its sessions and audit events keep naming it and its endpoint is never
     * reused for another device.
     */
    @Transactional
    public DeviceView delete(String endpoint, Actor actor) {
        Device device = find(endpoint);
        requireNotDeleted(device);
        List<DeviceCredential> live = credentials.findByDeviceIdAndStatusIn(device.id(), LIVE);
        lifecycle.revoke(live, CESSATION_OF_OPERATION, actor);
        device.changeState(DeviceState.DELETED, clock.instant());
        audit.record(actor.event("device.delete", "device:" + endpoint, AuditEvent.Outcome.SUCCESS,
                Map.of("revokedCredentials", Integer.toString(live.size()))));
        return view(device, List.of());
    }

    private static void requireNotDeleted(Device device) {
        if (device.state() == DeviceState.DELETED) {
            throw new ConflictException("state", "device '" + device.endpoint() + "' was deleted; its endpoint stays reserved");
        }
    }

    private List<DmServer> resolveServers(List<String> names) {
        Map<String, DmServer> byName = servers.findByNames(names).stream()
                .collect(Collectors.toMap(DmServer::name, Function.identity()));
        FieldProblems problems = new FieldProblems();
        Map<Integer, String> shortServerIds = new HashMap<>();
        Map<String, DmServer> resolved = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String field = "servers[" + i + "]";
            DmServer server = byName.get(names.get(i));
            if (server == null) {
                problems.add(field, "no DM server named '" + names.get(i) + "'");
            } else if (resolved.putIfAbsent(server.name(), server) != null) {
                problems.add(field, "DM server '" + server.name() + "' is listed twice");
            } else {
                String clash = shortServerIds.putIfAbsent(server.shortServerId(), server.name());
                if (clash != null) {
                    problems.add(field, "DM servers '" + clash + "' and '" + server.name()
                            + "' share short server id " + server.shortServerId() + "; a device needs them distinct");
                }
            }
        }
        problems.throwIfAny();
        return new ArrayList<>(resolved.values());
    }

    private static DeviceView view(Device device, List<DeviceCredential> deviceCredentials) {
        List<CredentialView> bootstrap = new ArrayList<>();
        List<CredentialView> server = new ArrayList<>();
        for (DeviceCredential c : deviceCredentials) {
            CredentialView v = CredentialView.of(c);
            (c.channel() == CredentialChannel.BOOTSTRAP ? bootstrap : server).add(v);
        }
        return new DeviceView(device.endpoint(), device.state(), device.profile() == null ? null : device.profile().name(),
                device.servers().stream().map(DmServer::name).toList(),
                device.createdAt(), device.updatedAt(), bootstrap, server);
    }
}
