package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.bootstrap.credentials.NewCredential;
import io.lwm2m.provisioning.crypto.SealedSecret;
import java.util.List;
import java.util.Map;

/**
 * A batch made ready for {@link BulkRegistration#register(PreparedBatch)}: the profiles its rows
 * name, each resolved (usable, or why not) and, per entry, the credentials generated and sealed ahead
 * (bootstrap first; null where one is made at registration). Holds secrets: never logged.
 */
public record PreparedBatch(List<BatchEntry> entries, Map<String, ProfileResolution> resolved,
        List<List<Credential>> credentials, boolean dryRun, Actor actor) {

    /** A credential and its sealed secret (null if it has none). */
    record Credential(NewCredential credential, SealedSecret sealed) {
    }

    @Override
    public String toString() {
        return "PreparedBatch[" + entries.size() + " entries, dryRun=" + dryRun + "]";
    }
}
