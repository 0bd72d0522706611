package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.history.BootstrapSessionRecord;
import io.lwm2m.provisioning.bootstrap.history.SessionRecorder;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A device's bootstrap history, as the API pages through it. The one place in {@code devices} that
 * reads the session history, so that where the history lives can change behind it.
 */
@Service
public class DeviceSessions {

    private final DeviceRecords records;
    private final SessionRecorder history;

    DeviceSessions(DeviceRecords records, SessionRecorder history) {
        this.records = records;
        this.history = history;
    }

    /** One page of the device's bootstrap sessions, newest first, after the cursor's session (null: the newest). */
    @Transactional(readOnly = true)
    public List<BootstrapSessionRecord> page(String endpoint, Instant before, UUID afterId, int limit) {
        return history.pageForDevice(records.find(endpoint).id(), before, afterId, limit);
    }
}
