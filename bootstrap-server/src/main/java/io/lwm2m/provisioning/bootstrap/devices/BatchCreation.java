package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialFactory;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.crypto.Der;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The writing end of {@link BulkRegistration}: inserts the devices of a batch that passed every check,
 * then their credentials, each in one statement, and reports them {@code CREATED} with their
 * credentials (secrets included, handed out once).
 */
@Component
class BatchCreation {

    private final DeviceBatchStore batches;
    private final CredentialFactory factory;
    private final CredentialSealing sealing;
    private final Clock clock;

    BatchCreation(DeviceBatchStore batches, CredentialFactory factory, CredentialSealing sealing, Clock clock) {
        this.batches = batches;
        this.factory = factory;
        this.sealing = sealing;
        this.clock = clock;
    }

    /** A device inserted now, with the credentials made for it (bootstrap first). */
    private record Created(BatchEntry entry, ProfileResolution.Usable profile, List<NewCredential> credentials) {
    }

    /** Creates the entries at {@code toCreate} and puts each one's result into {@code results}. */
    void create(PreparedBatch batch, List<Integer> toCreate, Map<Long, BatchResult> results) {
        Instant now = clock.instant();
        List<DeviceBatchStore.DeviceRow> rows = new ArrayList<>(toCreate.size());
        for (int i : toCreate) {
            NewDevice spec = batch.entries().get(i).device();
            ProfileResolution.Usable profile = usable(batch, spec);
            rows.add(new DeviceBatchStore.DeviceRow(spec.endpoint(), profile.profile().id(), spec.labels(),
                    profile.effective().servers().stream().map(s -> s.server().id()).toList()));
        }
        Map<String, Long> ids = batches.insertDevices(rows, now);
        List<DeviceBatchStore.CredentialRow> credentialRows = new ArrayList<>();
        List<Created> created = new ArrayList<>();
        for (int i : toCreate) {
            BatchEntry entry = batch.entries().get(i);
            NewDevice spec = entry.device();
            Long id = ids.get(spec.endpoint());
            if (id == null) {
                results.put(entry.line(), BatchResult.of(entry.line(), spec.endpoint(), BatchResult.Outcome.CONFLICT,
                        "a device with endpoint '" + spec.endpoint() + "' was registered meanwhile by another request"));
                continue;
            }
            ProfileResolution.Usable profile = usable(batch, spec);
            created.add(new Created(entry, profile, credentials(batch, i, id, profile, credentialRows)));
        }
        List<Long> credentialIds = batches.insertCredentials(credentialRows, now);
        report(created, credentialIds, results);
    }

    /** The device's credentials, made now where none was prepared ahead; their rows go into {@code rows}. */
    private List<NewCredential> credentials(PreparedBatch batch, int index, long deviceId, ProfileResolution.Usable profile,
            List<DeviceBatchStore.CredentialRow> rows) {
        NewDevice spec = batch.entries().get(index).device();
        List<PreparedBatch.Credential> prepared = batch.credentials().get(index);
        List<NewCredential> mine = new ArrayList<>(prepared.size());
        for (int c = 0; c < prepared.size(); c++) {
            DmServer server = c == 0 ? null : profile.effective().servers().get(c - 1).server();
            PreparedBatch.Credential credential = prepared.get(c);
            if (credential == null) {
                SecurityMode mode = c == 0 ? spec.bootstrapMode() : profile.effective().servers().get(c - 1).securityMode();
                NewCredential made = factory.generate(mode, spec.endpoint(), batch.actor().name());
                credential = new PreparedBatch.Credential(made, sealing.seal(spec.endpoint(), server, made));
            }
            mine.add(credential.credential());
            rows.add(row(deviceId, server, credential));
        }
        return mine;
    }

    private static void report(List<Created> created, List<Long> credentialIds, Map<Long, BatchResult> results) {
        int next = 0;
        for (Created device : created) {
            List<IssuedCredential> issued = new ArrayList<>(device.credentials().size());
            for (int c = 0; c < device.credentials().size(); c++) {
                String server = c == 0 ? null : device.profile().effective().servers().get(c - 1).server().name();
                issued.add(new IssuedCredential(server, credentialIds.get(next++), device.credentials().get(c)));
            }
            BatchEntry entry = device.entry();
            results.put(entry.line(), new BatchResult(entry.line(), entry.device().endpoint(), BatchResult.Outcome.CREATED,
                    null, issued));
        }
    }

    private static ProfileResolution.Usable usable(PreparedBatch batch, NewDevice spec) {
        return (ProfileResolution.Usable) batch.resolved().get(spec.profile());
    }

    private static DeviceBatchStore.CredentialRow row(long deviceId, DmServer server, PreparedBatch.Credential prepared) {
        NewCredential credential = prepared.credential();
        byte[] certificate = credential.certificate() == null ? null : Der.encoded(credential.certificate());
        String serial = credential.certificate() == null ? null
                : CertificateAuthorityService.hex(credential.certificate().getSerialNumber());
        return new DeviceBatchStore.CredentialRow(deviceId, server == null ? null : server.id(), credential.mode(),
                credential.pskIdentity(), credential.publicKey(), certificate, serial, prepared.sealed());
    }
}
