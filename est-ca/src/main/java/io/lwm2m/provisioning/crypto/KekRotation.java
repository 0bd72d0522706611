package io.lwm2m.provisioning.crypto;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Moves every sealed secret to the current key-encryption key. Run it after configuring a new
 * {@code provisioning.secrets.kek} (with the old one in {@code previous-keks}); once it reports
 * nothing left, the old KEK can be removed from the configuration.
 */
@Service
public class KekRotation {

    private final List<RewrappableSecrets> owners;
    private final KeyEncryptionKeys keys;
    private final AuditSink audit;

    KekRotation(List<RewrappableSecrets> owners, KeyEncryptionKeys keys, AuditSink audit) {
        this.owners = owners;
        this.keys = keys;
        this.audit = audit;
    }

    public int currentVersion() {
        return keys.currentVersion();
    }

    /** Rows per owner still sealed under an older KEK. */
    public Map<String, Long> pending() {
        Map<String, Long> pending = new LinkedHashMap<>();
        owners.forEach(o -> pending.put(o.name(), o.countNotCurrent()));
        return pending;
    }

    /** Re-wraps everything; returns the rows re-wrapped per owner. */
    public Map<String, Long> rewrapAll(Actor actor) {
        Map<String, Long> done = new LinkedHashMap<>();
        owners.forEach(o -> done.put(o.name(), o.rewrapAll()));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("kekVersion", Integer.toString(keys.currentVersion()));
        done.forEach((k, v) -> details.put(k, Long.toString(v)));
        audit.record(actor.event("secrets.rewrap", "kek:v" + keys.currentVersion(), AuditEvent.Outcome.SUCCESS, details));
        return done;
    }
}
