package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapSessionRecord;
import io.lwm2m.provisioning.bootstrap.sessions.SessionRecorder;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.crypto.RandomSecrets;
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

    /** Modes this server can generate and deliver DM-server credentials for today. */
    private static final Set<SecurityMode> DELIVERABLE_SERVER_MODES = EnumSet.of(SecurityMode.PSK, SecurityMode.NOSEC);
    private static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final DmServerService servers;
    private final RandomSecrets secrets;
    private final SecretCipher cipher;
    private final SessionRecorder sessionHistory;
    private final AuditSink audit;
    private final Clock clock;

    DeviceService(DeviceRepository devices, DeviceCredentialRepository credentials, DmServerService servers,
            RandomSecrets secrets, SecretCipher cipher, SessionRecorder sessionHistory, AuditSink audit, Clock clock) {
        this.sessionHistory = sessionHistory;
        this.devices = devices;
        this.credentials = credentials;
        this.servers = servers;
        this.secrets = secrets;
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
        List<DmServer> deviceServers = resolveServers(spec.servers());
        if (devices.existsByEndpoint(spec.endpoint())) {
            throw new ConflictException("endpoint", "a device with endpoint '" + spec.endpoint() + "' already exists");
        }
        boolean supplied = spec.pskIdentity() != null;
        String bootstrapIdentity = supplied ? spec.pskIdentity() : secrets.pskIdentity();
        if (supplied && credentials.existsLivePskIdentity(CredentialChannel.BOOTSTRAP, bootstrapIdentity, LIVE)) {
            throw new ConflictException("bootstrapCredential.identity",
                    "the PSK identity '" + bootstrapIdentity + "' already belongs to another device");
        }
        byte[] bootstrapKey = supplied ? spec.pskKey() : secrets.pskKey();

        Instant now = clock.instant();
        try {
            Device device = devices.saveAndFlush(new Device(spec.endpoint(), deviceServers, now));
            List<DeviceCredential> created = new ArrayList<>();
            created.add(DeviceCredential.bootstrapPsk(device, bootstrapIdentity, cipher.seal(bootstrapKey,
                    DeviceCredential.secretContext(spec.endpoint(), CredentialChannel.BOOTSTRAP, null, bootstrapIdentity)), now));
            List<IssuedCredential> issued = new ArrayList<>();
            for (DmServer server : deviceServers) {
                if (server.securityMode() == SecurityMode.PSK) {
                    String identity = secrets.pskIdentity();
                    byte[] key = secrets.pskKey();
                    created.add(DeviceCredential.forServer(device, server, SecurityMode.PSK, identity, cipher.seal(key,
                            DeviceCredential.secretContext(spec.endpoint(), CredentialChannel.SERVER, server.name(), identity)), now));
                    issued.add(new IssuedCredential(server.name(), SecurityMode.PSK, identity, key));
                } else {
                    created.add(DeviceCredential.forServer(device, server, server.securityMode(), null, null, now));
                    issued.add(new IssuedCredential(server.name(), server.securityMode(), null, null));
                }
            }
            credentials.saveAllAndFlush(created);
            audit.record(actor.event("device.create", "device:" + spec.endpoint(), AuditEvent.Outcome.SUCCESS, Map.of(
                    "servers", String.join(",", spec.servers()),
                    "bootstrapMode", spec.bootstrapMode().name(),
                    "bootstrapIdentity", bootstrapIdentity,
                    "bootstrapKey", supplied ? "supplied" : "generated")));
            return new DeviceRegistration(view(device, created),
                    new IssuedCredential(null, SecurityMode.PSK, bootstrapIdentity, bootstrapKey), issued);
        } catch (DataIntegrityViolationException e) {
            // Another request registered the same endpoint or identity between our checks and the insert.
            String constraint = String.valueOf(e.getMostSpecificCause().getMessage());
            if (constraint.contains("device_credentials_bootstrap_identity_key")) {
                throw new ConflictException("bootstrapCredential.identity",
                        "the PSK identity '" + bootstrapIdentity + "' already belongs to another device");
            }
            throw new ConflictException("endpoint", "a device with endpoint '" + spec.endpoint() + "' already exists");
        }
    }

    @Transactional(readOnly = true)
    public DeviceView get(String endpoint) {
        Device device = devices.findByEndpoint(endpoint)
                .orElseThrow(() -> new NotFoundException("no device with endpoint '" + endpoint + "'"));
        return view(device, credentials.findByDeviceIdAndStatusIn(device.id(), LIVE));
    }

    /** The device's bootstrap sessions, newest first, with their steps. */
    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> sessions(String endpoint, int limit) {
        Device device = devices.findByEndpoint(endpoint)
                .orElseThrow(() -> new NotFoundException("no device with endpoint '" + endpoint + "'"));
        return sessionHistory.forDevice(device.id(), limit);
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
            } else if (!DELIVERABLE_SERVER_MODES.contains(server.securityMode())) {
                problems.add(field, "DM server '" + server.name() + "' uses security mode " + server.securityMode()
                        + "; credentials can be provisioned for " + DELIVERABLE_SERVER_MODES + " so far");
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
            CredentialView v = new CredentialView(c.id(), c.server() == null ? null : c.server().name(), c.mode(),
                    c.pskIdentity(), c.status(), c.createdAt());
            (c.channel() == CredentialChannel.BOOTSTRAP ? bootstrap : server).add(v);
        }
        return new DeviceView(device.endpoint(), device.state(), device.servers().stream().map(DmServer::name).toList(),
                device.createdAt(), device.updatedAt(), bootstrap, server);
    }
}
