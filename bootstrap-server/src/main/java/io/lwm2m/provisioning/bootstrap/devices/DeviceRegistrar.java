package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialFactory;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.Profile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Pre-registers one device (the API's {@code POST /devices}) and generates its credentials. */
@Service
public class DeviceRegistrar {

    /** The unique index that keeps a live bootstrap PSK identity to one device (V1). */
    static final String BOOTSTRAP_IDENTITY_KEY = "device_credentials_bootstrap_identity_key";
    /** The unique constraint on a device's endpoint (V1). */
    static final String ENDPOINT_KEY = "devices_endpoint_key";

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final DmServerService servers;
    private final ProfileService profiles;
    private final CredentialFactory factory;
    private final CredentialSealing sealing;
    private final AuditSink audit;
    private final Clock clock;

    DeviceRegistrar(DeviceRepository devices, DeviceCredentialRepository credentials, DmServerService servers,
            ProfileService profiles, CredentialFactory factory, CredentialSealing sealing, AuditSink audit, Clock clock) {
        this.devices = devices;
        this.credentials = credentials;
        this.servers = servers;
        this.profiles = profiles;
        this.factory = factory;
        this.sealing = sealing;
        this.audit = audit;
        this.clock = clock;
    }

    /** What the device is registered with: its profile (null for a plain server list), servers and their settings. */
    private record Plan(Profile profile, List<DmServer> servers, EffectiveProfile effective) {
    }

    /**
     * Stores the device with a bootstrap credential and one credential per DM server, and returns
     * the generated secrets; they are never returned again.
     */
    @Transactional
    public DeviceRegistration register(NewDevice spec, Actor actor) {
        Plan plan = plan(spec);
        if (devices.existsByEndpoint(spec.endpoint())) {
            throw endpointTaken(spec);
        }
        boolean supplied = spec.pskIdentity() != null;
        if (supplied && credentials.existsLivePskIdentity(CredentialChannel.BOOTSTRAP, spec.pskIdentity(), DeviceRecords.LIVE)) {
            throw identityTaken(spec);
        }
        try {
            return store(spec, plan, supplied, actor);
        } catch (DataIntegrityViolationException e) {
            // Another request registered the same endpoint or identity between our checks and the insert.
            String constraint = UniqueViolation.constraint(e).orElse("");
            if (constraint.equals(BOOTSTRAP_IDENTITY_KEY)) {
                throw identityTaken(spec);
            }
            if (constraint.equals(ENDPOINT_KEY)) {
                throw endpointTaken(spec);
            }
            throw new ConflictException("endpoint", "device '" + spec.endpoint()
                    + "' collided with a concurrent change of its profile or DM servers; register it again");
        }
    }

    private static ConflictException endpointTaken(NewDevice spec) {
        return new ConflictException("endpoint", "a device with endpoint '" + spec.endpoint() + "' already exists");
    }

    private static ConflictException identityTaken(NewDevice spec) {
        return new ConflictException("bootstrapCredential.identity",
                "the PSK identity '" + spec.pskIdentity() + "' already belongs to another device");
    }

    private Plan plan(NewDevice spec) {
        if (spec.profile() == null) {
            List<DmServer> deviceServers = resolveServers(spec.servers());
            return new Plan(null, deviceServers, profiles.effective((String) null, null, deviceServers));
        }
        Profile profile = profiles.get(spec.profile());
        ProfileDefinition base = ProfileService.definition(profile);
        if (spec.overrides() != null) {
            FieldProblems problems = new FieldProblems();
            profiles.validateOverrides(base, spec.overrides(), problems);
            problems.throwIfAny();
        }
        List<DmServer> deviceServers = servers.findByNames(base.serverList().stream()
                .map(ProfileDefinition.ServerSettings::server).toList());
        return new Plan(profile, deviceServers, profiles.effective(profile.name(), base.overriddenBy(spec.overrides()), deviceServers));
    }

    private DeviceRegistration store(NewDevice spec, Plan plan, boolean supplied, Actor actor) {
        Instant now = clock.instant();
        Device device = devices.saveAndFlush(new Device(spec.endpoint(), plan.servers(), plan.profile(),
                ProfileService.json(spec.overrides()), spec.labels(), now));
        NewCredential bootstrap = supplied ? CredentialFactory.suppliedPsk(spec.pskIdentity(), spec.pskKey())
                : spec.factoryCertificate() ? CredentialFactory.factoryCertificate()
                : factory.generate(spec.bootstrapMode(), spec.endpoint(), actor.name());
        List<DeviceCredential> created = new ArrayList<>();
        List<NewCredential> generated = new ArrayList<>();
        created.add(sealing.row(device, null, bootstrap, CredentialStatus.ACTIVE, now));
        generated.add(bootstrap);
        for (EffectiveProfile.EffectiveServer server : plan.effective().servers()) {
            NewCredential credential = factory.generate(server.securityMode(), spec.endpoint(), actor.name());
            created.add(sealing.row(device, server.server(), credential, CredentialStatus.ACTIVE, now));
            generated.add(credential);
        }
        credentials.saveAllAndFlush(created);
        List<IssuedCredential> issued = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            DeviceCredential c = created.get(i);
            issued.add(new IssuedCredential(c.server() == null ? null : c.server().name(), c.id(), generated.get(i)));
        }
        audit.record(actor.event("device.create", "device:" + spec.endpoint(), AuditEvent.Outcome.SUCCESS, Map.of(
                "servers", plan.servers().stream().map(DmServer::name).collect(Collectors.joining(",")),
                "profile", spec.profile() == null ? "" : spec.profile(),
                "bootstrapMode", bootstrap.mode().name(),
                "bootstrapIdentity", bootstrap.pskIdentity() == null ? "" : bootstrap.pskIdentity(),
                "bootstrapKey", supplied ? "supplied" : "generated")));
        return new DeviceRegistration(DeviceRecords.view(device, created), issued.get(0), issued.subList(1, issued.size()));
    }

    /** The DM servers of a device registered without a profile, each named once, with distinct short server ids. */
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
}
