package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialFactory;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Registers many devices at once (bulk import), by the rules of {@link DeviceRegistrar}: each
 * device gets its bootstrap credential and one credential per DM server of its profile. Set-based
 * SQL, one statement per table for the whole batch; runs in the caller's transaction, so the caller
 * commits the batch with its own bookkeeping. No audit event per device: the caller records one for
 * the whole job. A device whose endpoint exists is reported {@code EXISTS_IDENTICAL} when the
 * existing one has the same profile, bootstrap mode, supplied credential and labels, else
 * {@code CONFLICT}. With {@code dryRun} nothing is generated or written.
 */
@Service
public class BulkRegistration {

    private final BatchProfiles profiles;
    private final DeviceBatchStore batches;
    private final BatchCreation creation;
    private final CredentialFactory factory;
    private final CredentialSealing sealing;

    BulkRegistration(BatchProfiles profiles, DeviceBatchStore batches, BatchCreation creation, CredentialFactory factory,
            CredentialSealing sealing) {
        this.profiles = profiles;
        this.batches = batches;
        this.creation = creation;
        this.factory = factory;
        this.sealing = sealing;
    }

    /**
     * Both halves at once: {@link #prepare} and {@link #register(PreparedBatch)}.
     *
     * @param entries devices that passed the caller's syntax checks; each must name a profile
     */
    @Transactional
    public List<BatchResult> register(List<BatchEntry> entries, boolean dryRun, Actor actor) {
        return register(prepare(entries, dryRun, actor, new ResolvedProfiles(Duration.ZERO)));
    }

    /**
     * The half that needs no transaction: profiles resolved (reusing those {@code known} from
     * earlier batches of the same job), and PSK and RPK credentials generated and sealed for every
     * device that may be created (X.509 ones are issued at registration, so no certificate is issued
     * for a row that turns out to conflict). A bulk import prepares the next batch while the
     * previous one commits.
     */
    public PreparedBatch prepare(List<BatchEntry> entries, boolean dryRun, Actor actor, ResolvedProfiles known) {
        Map<String, ProfileResolution> cached = known.current();
        Map<String, ProfileResolution> resolved = new HashMap<>();
        List<List<PreparedBatch.Credential>> credentials = new ArrayList<>(entries.size());
        for (BatchEntry entry : entries) {
            ProfileResolution profile = resolved.computeIfAbsent(entry.device().profile(),
                    name -> cached.computeIfAbsent(name, profiles::resolve));
            credentials.add(dryRun || !(profile instanceof ProfileResolution.Usable usable) ? null
                    : pregenerate(entry.device(), usable));
        }
        return new PreparedBatch(List.copyOf(entries), resolved, credentials, dryRun, actor);
    }

    /** The credentials of one device that can be made ahead: null entries are made at registration. */
    private List<PreparedBatch.Credential> pregenerate(NewDevice spec, ProfileResolution.Usable profile) {
        List<PreparedBatch.Credential> list = new ArrayList<>(1 + profile.effective().servers().size());
        NewCredential bootstrap = spec.pskIdentity() != null ? CredentialFactory.suppliedPsk(spec.pskIdentity(), spec.pskKey())
                : spec.rpkPublicKey() != null ? new NewCredential(SecurityMode.RPK, null, null,
                        new KeyPair(spec.rpkPublicKey(), null), null)
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

    private PreparedBatch.Credential sealed(String endpoint, io.lwm2m.provisioning.bootstrap.servers.DmServer server,
            NewCredential credential) {
        return new PreparedBatch.Credential(credential, sealing.seal(endpoint, server, credential));
    }

    /** The half that reads and writes, in the caller's transaction: one result per entry, in entry order. */
    @Transactional
    public List<BatchResult> register(PreparedBatch batch) {
        Map<Long, BatchResult> results = new HashMap<>();
        List<Integer> candidates = withinBatch(batch, results);
        List<Integer> fresh = againstExisting(batch.entries(), candidates, results);
        List<Integer> toCreate = againstTakenCredentials(batch, fresh, results);
        if (!toCreate.isEmpty()) {
            creation.create(batch, toCreate, results);
        }
        return batch.entries().stream().map(e -> results.get(e.line())).toList();
    }

    /** Rows refused on their own or against earlier rows of the batch; the others' indexes. */
    private static List<Integer> withinBatch(PreparedBatch batch, Map<Long, BatchResult> results) {
        List<BatchEntry> entries = batch.entries();
        Map<String, BatchEntry> firstByEndpoint = new HashMap<>();
        Set<String> identitiesInBatch = new HashSet<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            BatchEntry entry = entries.get(i);
            NewDevice spec = entry.device();
            if (batch.resolved().get(spec.profile()) instanceof ProfileResolution.Unusable unusable) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.INVALID,
                        unusable.reason()));
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
        return candidates;
    }

    /** Rows whose endpoint exists are identical or a conflict; the indexes of the new ones. */
    private List<Integer> againstExisting(List<BatchEntry> entries, List<Integer> candidates, Map<Long, BatchResult> results) {
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
        return fresh;
    }

    /** New rows whose supplied PSK identity or public key another device holds are a conflict; the indexes to create. */
    private List<Integer> againstTakenCredentials(PreparedBatch batch, List<Integer> fresh, Map<Long, BatchResult> results) {
        List<BatchEntry> entries = batch.entries();
        Set<String> taken = batches.takenBootstrapIdentities(fresh.stream().map(i -> entries.get(i).device().pskIdentity())
                .filter(Objects::nonNull).toList());
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
        return toCreate;
    }

    /** What differs between an existing device and a new row for the same endpoint; null if identical. */
    private String difference(DeviceBatchStore.Existing found, NewDevice spec) {
        if (!Objects.equals(found.profile(), spec.profile())) {
            return "profile ('" + found.profile() + "')";
        }
        if (found.mode() != spec.bootstrapMode()) {
            return "bootstrap credential mode (" + found.mode() + ")";
        }
        if (!new HashSet<>(found.labels()).equals(new HashSet<>(spec.labels()))) {
            return "set of labels";
        }
        if (spec.pskIdentity() != null) {
            boolean same = spec.pskIdentity().equals(found.pskIdentity()) && found.secret() != null
                    && sealing.holds(found.secret(), found.endpoint(), found.pskIdentity(), spec.pskKey());
            return same ? null : "PSK identity or key";
        }
        if (spec.rpkPublicKey() != null) {
            return Arrays.equals(spec.rpkPublicKey().getEncoded(), found.publicKey()) ? null : "public key";
        }
        if (spec.factoryCertificate() && found.hasCertificate()) {
            return "bootstrap certificate (ours, not a factory certificate)";
        }
        return null;
    }
}
