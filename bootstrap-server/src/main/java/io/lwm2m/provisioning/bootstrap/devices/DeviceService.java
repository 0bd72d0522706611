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
import io.lwm2m.provisioning.bootstrap.history.BootstrapSessionRecord;
import io.lwm2m.provisioning.bootstrap.history.SessionRecorder;
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
import java.time.Duration;
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
    private final DeviceBatchStore batches;
    private final org.springframework.transaction.support.TransactionTemplate separateReadOnly;

    DeviceService(DeviceRepository devices, DeviceCredentialRepository credentials, DmServerService servers,
            CredentialFactory factory, SecretCipher cipher, SessionRecorder sessionHistory, CredentialLifecycle lifecycle,
            RotationAnnouncer announcer, ProfileService profiles, AuditSink audit, Clock clock, DeviceBatchStore batches,
            org.springframework.transaction.PlatformTransactionManager transactionManager) {
        this.batches = batches;
        // Profile lookups of a batch run apart: an unknown profile must fail its rows, not the batch's transaction.
        this.separateReadOnly = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
        this.separateReadOnly.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.separateReadOnly.setReadOnly(true);
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
                    ProfileService.json(spec.overrides()), spec.labels(), now));
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

    /**
     * Registers many devices at once, by the rules of {@link #register}: each device gets its
     * bootstrap credential and one credential per DM server of its profile. Set-based SQL, one
     * statement per table for the whole batch; runs in the caller's transaction, so the caller
     * commits the batch with its own bookkeeping. No audit event per device: the caller records one
     * for the whole job. A device whose endpoint exists is reported {@code EXISTS_IDENTICAL} when
     * the existing one has the same profile, bootstrap mode, supplied credential and labels, else
     * {@code CONFLICT}. With {@code dryRun} nothing is generated or written.
     *
     * @param entries devices that passed the caller's syntax checks; each must name a profile
     */
    @Transactional
    public List<BatchResult> registerBatch(List<BatchEntry> entries, boolean dryRun, Actor actor) {
        return registerBatch(prepareBatch(entries, dryRun, actor));
    }

    /**
     * The half of {@link #registerBatch(List, boolean, Actor)} that needs no transaction: profiles
     * resolved, and PSK and RPK credentials generated and sealed for every device that may be
     * created (X.509 ones are issued at registration, so no certificate is issued for a row that
     * turns out to conflict). A bulk import prepares the next batch while the previous one commits.
     */
    public PreparedBatch prepareBatch(List<BatchEntry> entries, boolean dryRun, Actor actor) {
        return prepareBatch(entries, dryRun, actor, new ResolvedProfiles(Duration.ZERO));
    }

    /**
     * Profiles resolved for bulk registration, kept across the batches of one job for at most
     * {@code maxAge}: resolving a profile (its servers and effective settings) costs a few
     * milliseconds, per batch that was a sizeable part of an import's JVM time (decision 017). A
     * profile edited during an import reaches its batches after {@code maxAge} at most, as it
     * already reached the batch being prepared ahead only at its turn.
     */
    public static final class ResolvedProfiles {
        private final Map<String, Object> byName = new HashMap<>();
        private final long maxAgeNanos;
        private long resolvedAt = System.nanoTime();

        public ResolvedProfiles(Duration maxAge) {
            this.maxAgeNanos = maxAge.toNanos();
        }

        Map<String, Object> current() {
            long now = System.nanoTime();
            if (now - resolvedAt > maxAgeNanos) {
                byName.clear();
                resolvedAt = now;
            }
            return byName;
        }
    }

    /** {@link #prepareBatch(List, boolean, Actor)} with profiles resolved by earlier batches of the same job. */
    public PreparedBatch prepareBatch(List<BatchEntry> entries, boolean dryRun, Actor actor, ResolvedProfiles profiles) {
        Map<String, Object> known = profiles.current();
        Map<String, Object> resolved = new HashMap<>();
        List<List<PreparedBatch.Credential>> credentials = new ArrayList<>(entries.size());
        for (BatchEntry entry : entries) {
            Object profile = resolved.computeIfAbsent(entry.device().profile(),
                    name -> known.computeIfAbsent(name, this::resolveProfile));
            credentials.add(dryRun || !(profile instanceof ResolvedProfile p) ? null : pregenerate(entry.device(), p));
        }
        return new PreparedBatch(List.copyOf(entries), resolved, credentials, dryRun, actor);
    }

    /** The credentials of one device that can be made ahead: null entries are made at registration. */
    private List<PreparedBatch.Credential> pregenerate(NewDevice spec, ResolvedProfile profile) {
        List<PreparedBatch.Credential> list = new ArrayList<>(1 + profile.effective().servers().size());
        NewCredential bootstrap = spec.pskIdentity() != null ? CredentialFactory.suppliedPsk(spec.pskIdentity(), spec.pskKey())
                : spec.rpkPublicKey() != null ? new NewCredential(SecurityMode.RPK, null, null,
                        new java.security.KeyPair(spec.rpkPublicKey(), null), null)
                : spec.factoryCertificate() ? CredentialFactory.factoryCertificate()
                : spec.bootstrapMode() == SecurityMode.X509 ? null
                : factory.generate(spec.bootstrapMode(), spec.endpoint(), null);
        list.add(bootstrap == null ? null : sealed(spec.endpoint(), null, bootstrap));
        for (EffectiveProfile.EffectiveServer server : profile.effective().servers()) {
            list.add(server.securityMode() == SecurityMode.X509 ? null
                    : sealed(spec.endpoint(), server.server(), factory.generate(server.securityMode(), spec.endpoint(), null)));
        }
        return list;
    }

    private PreparedBatch.Credential sealed(String endpoint, DmServer server, NewCredential credential) {
        byte[] secret = credential.secret();
        SealedSecret sealed = secret == null ? null : cipher.seal(secret, DeviceCredential.secretContext(endpoint,
                server == null ? CredentialChannel.BOOTSTRAP : CredentialChannel.SERVER,
                server == null ? null : server.name(), credential.pskIdentity()));
        return new PreparedBatch.Credential(credential, sealed);
    }

    /** The half of {@link #registerBatch(List, boolean, Actor)} that reads and writes, in the caller's transaction. */
    @Transactional
    public List<BatchResult> registerBatch(PreparedBatch batch) {
        List<BatchEntry> entries = batch.entries();
        Map<Long, BatchResult> results = new HashMap<>();
        Map<String, BatchEntry> firstByEndpoint = new HashMap<>();
        Set<String> identitiesInBatch = new java.util.HashSet<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            BatchEntry entry = entries.get(i);
            NewDevice spec = entry.device();
            if (batch.resolved().get(spec.profile()) instanceof String problem) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.INVALID, problem));
            } else if (firstByEndpoint.putIfAbsent(spec.endpoint(), entry) != null) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "endpoint '" + spec.endpoint() + "' also on line " + firstByEndpoint.get(spec.endpoint()).line()));
            } else if (spec.pskIdentity() != null && !identitiesInBatch.add(spec.pskIdentity())) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "PSK identity '" + spec.pskIdentity() + "' is given to another device of this upload"));
            } else {
                candidates.add(i);
            }
        }
        Map<String, DeviceBatchStore.Existing> existing = batches.existing(candidates.stream()
                .map(i -> entries.get(i).device().endpoint()).toList());
        List<Integer> fresh = new ArrayList<>();
        for (int i : candidates) {
            BatchEntry entry = entries.get(i);
            DeviceBatchStore.Existing found = existing.get(entry.device().endpoint());
            if (found == null) {
                fresh.add(i);
            } else {
                String difference = difference(found, entry.device());
                results.put(entry.line(), BatchResult.of(entry.line(), entry.device().endpoint(),
                        difference == null ? BatchResult.Outcome.EXISTS_IDENTICAL : BatchResult.Outcome.CONFLICT,
                        difference == null ? null : "a device with endpoint '" + entry.device().endpoint()
                                + "' exists with another " + difference));
            }
        }
        Set<String> taken = batches.takenBootstrapIdentities(fresh.stream().map(i -> entries.get(i).device().pskIdentity())
                .filter(java.util.Objects::nonNull).toList());
        List<Integer> toCreate = new ArrayList<>();
        for (int i : fresh) {
            BatchEntry entry = entries.get(i);
            NewDevice spec = entry.device();
            if (spec.pskIdentity() != null && taken.contains(spec.pskIdentity())) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "the PSK identity '" + spec.pskIdentity() + "' already belongs to another device"));
            } else if (spec.rpkPublicKey() != null && batches.bootstrapPublicKeyTaken(spec.rpkPublicKey().getEncoded())) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "the public key already belongs to another device"));
            } else if (batch.dryRun()) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CREATED, null));
            } else {
                toCreate.add(i);
            }
        }
        if (!toCreate.isEmpty()) {
            create(batch, toCreate, results);
        }
        return entries.stream().map(e -> results.get(e.line())).toList();
    }

    /**
     * The devices a fleet action selects: those of {@code profile} or those labelled {@code label}
     * (exactly one given), in id order after {@code afterId}.
     */
    @Transactional(readOnly = true)
    public List<SelectedDevice> select(String profile, String label, long afterId, int limit) {
        return batches.select(profile, label, afterId, limit);
    }

    /** How many devices {@link #select} would go through. */
    @Transactional(readOnly = true)
    public long countSelected(String profile, String label) {
        return batches.count(profile, label);
    }

    /** The names of the DM servers a device is provisioned for. */
    @Transactional(readOnly = true)
    public List<String> serverNames(String endpoint) {
        return find(endpoint).servers().stream().map(DmServer::name).toList();
    }

    /** A profile resolved for bulk registration: the profile, its DM servers, and what devices get. */
    record ResolvedProfile(Profile profile, EffectiveProfile effective) {
    }

    /** The resolved profile, or a String saying why it cannot be used. */
    private Object resolveProfile(String name) {
        Object[] result = new Object[1];
        try {
            separateReadOnly.executeWithoutResult(status -> result[0] = resolveProfileNow(name));
        } catch (org.springframework.transaction.UnexpectedRollbackException e) {
            // The lookup failed inside a participating service, which marked its own transaction; result says why.
        }
        return result[0];
    }

    private Object resolveProfileNow(String name) {
        try {
            Profile profile = profiles.get(name);
            ProfileDefinition base = ProfileService.definition(profile);
            List<DmServer> deviceServers = servers.findByNames(base.serverList().stream()
                    .map(ProfileDefinition.ServerSettings::server).toList());
            return new ResolvedProfile(profile, profiles.effective(profile.name(), base, deviceServers));
        } catch (NotFoundException e) {
            return "no profile named '" + name + "'";
        } catch (InvalidInputException e) {
            return "profile '" + name + "' cannot be used: " + e.getMessage();
        }
    }

    /** What differs between an existing device and a new row for the same endpoint; null if identical. */
    private String difference(DeviceBatchStore.Existing found, NewDevice spec) {
        if (!java.util.Objects.equals(found.profile(), spec.profile())) {
            return "profile ('" + found.profile() + "')";
        }
        if (found.mode() != spec.bootstrapMode()) {
            return "bootstrap credential mode (" + found.mode() + ")";
        }
        if (!new java.util.HashSet<>(found.labels()).equals(new java.util.HashSet<>(spec.labels()))) {
            return "set of labels";
        }
        if (spec.pskIdentity() != null) {
            boolean same = spec.pskIdentity().equals(found.pskIdentity()) && found.secret() != null
                    && java.security.MessageDigest.isEqual(spec.pskKey(), cipher.open(found.secret(),
                            DeviceCredential.secretContext(found.endpoint(), CredentialChannel.BOOTSTRAP, null, found.pskIdentity())));
            return same ? null : "PSK identity or key";
        }
        if (spec.rpkPublicKey() != null) {
            return java.util.Arrays.equals(spec.rpkPublicKey().getEncoded(), found.publicKey()) ? null : "public key";
        }
        if (spec.factoryCertificate() && found.hasCertificate()) {
            return "bootstrap certificate (ours, not a factory certificate)";
        }
        return null;
    }

    private void create(PreparedBatch batch, List<Integer> toCreate, Map<Long, BatchResult> results) {
        Instant now = clock.instant();
        List<DeviceBatchStore.DeviceRow> rows = new ArrayList<>(toCreate.size());
        for (int i : toCreate) {
            NewDevice spec = batch.entries().get(i).device();
            ResolvedProfile profile = (ResolvedProfile) batch.resolved().get(spec.profile());
            rows.add(new DeviceBatchStore.DeviceRow(spec.endpoint(), profile.profile().id(), spec.labels(),
                    profile.effective().servers().stream().map(s -> s.server().id()).toList()));
        }
        Map<String, Long> ids = batches.insertDevices(rows, now);
        List<DeviceBatchStore.CredentialRow> credentialRows = new ArrayList<>();
        List<List<NewCredential>> generated = new ArrayList<>();
        List<BatchEntry> created = new ArrayList<>();
        for (int i : toCreate) {
            BatchEntry entry = batch.entries().get(i);
            NewDevice spec = entry.device();
            Long id = ids.get(spec.endpoint());
            if (id == null) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "a device with endpoint '" + spec.endpoint() + "' was registered meanwhile by another request"));
                continue;
            }
            ResolvedProfile profile = (ResolvedProfile) batch.resolved().get(spec.profile());
            List<PreparedBatch.Credential> prepared = batch.credentials().get(i);
            List<NewCredential> mine = new ArrayList<>(prepared.size());
            for (int c = 0; c < prepared.size(); c++) {
                DmServer server = c == 0 ? null : profile.effective().servers().get(c - 1).server();
                PreparedBatch.Credential credential = prepared.get(c);
                if (credential == null) {
                    SecurityMode mode = c == 0 ? spec.bootstrapMode() : profile.effective().servers().get(c - 1).securityMode();
                    credential = sealed(spec.endpoint(), server, factory.generate(mode, spec.endpoint(), batch.actor().name()));
                }
                mine.add(credential.credential());
                credentialRows.add(row(id, server, credential));
            }
            generated.add(mine);
            created.add(entry);
        }
        List<Long> credentialIds = batches.insertCredentials(credentialRows, now);
        int next = 0;
        for (int i = 0; i < created.size(); i++) {
            BatchEntry entry = created.get(i);
            ResolvedProfile profile = (ResolvedProfile) batch.resolved().get(entry.device().profile());
            List<NewCredential> mine = generated.get(i);
            List<IssuedCredential> issued = new ArrayList<>(mine.size());
            for (int c = 0; c < mine.size(); c++) {
                String server = c == 0 ? null : profile.effective().servers().get(c - 1).server().name();
                issued.add(new IssuedCredential(server, credentialIds.get(next++), mine.get(c)));
            }
            results.put(entry.line(), new BatchResult(entry.line(), entry.device().endpoint(), BatchResult.Outcome.CREATED,
                    null, issued));
        }
    }

    private static DeviceBatchStore.CredentialRow row(long deviceId, DmServer server, PreparedBatch.Credential prepared) {
        NewCredential credential = prepared.credential();
        byte[] certificate = credential.certificate() == null ? null : io.lwm2m.provisioning.crypto.Der.encoded(credential.certificate());
        String serial = credential.certificate() == null ? null
                : io.lwm2m.provisioning.certificates.CertificateAuthorityService.hex(credential.certificate().getSerialNumber());
        return new DeviceBatchStore.CredentialRow(deviceId, server == null ? null : server.id(), credential.mode(),
                credential.pskIdentity(), credential.publicKey(), certificate, serial, prepared.sealed());
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
                        d.profile() == null ? null : d.profile().name(), d.createdAt(), d.updatedAt(), d.labels()))
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
                device.createdAt(), device.updatedAt(), bootstrap, server, device.labels());
    }
}
