package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Finding a device by endpoint and showing it: what every device service starts or ends with. Runs
 * in the caller's transaction.
 */
@Component
class DeviceRecords {

    /** The credentials that authenticate or are about to. */
    static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);

    @jakarta.persistence.PersistenceContext
    private jakarta.persistence.EntityManager em;

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;

    DeviceRecords(DeviceRepository devices, DeviceCredentialRepository credentials) {
        this.devices = devices;
        this.credentials = credentials;
    }

    /** The device, or 404. */
    Device find(String endpoint) {
        return devices.findByEndpoint(endpoint)
                .orElseThrow(() -> new NotFoundException("no device with endpoint '" + endpoint + "'"));
    }

    /**
     * The device as committed now, its row held until the transaction ends (decision 094): where a
     * change of its state or credentials starts, so that two of them run one after the other.
     */
    Device findHeld(String endpoint) {
        Device device = find(endpoint);
        credentials.holdDevice(device.id());
        em.refresh(device);
        return device;
    }

    /** A deleted device is a tombstone: nothing changes it any more (409 on its {@code state}). */
    static void requireNotDeleted(Device device) {
        if (device.state() == DeviceState.DELETED) {
            throw new ConflictException("state", "device '" + device.endpoint() + "' was deleted; its endpoint stays reserved");
        }
    }

    List<DeviceCredential> live(Device device) {
        return credentials.findByDeviceIdAndStatusIn(device.id(), LIVE);
    }

    /** The device with its live credentials. */
    DeviceView view(Device device) {
        return view(device, live(device));
    }

    static DeviceView view(Device device, List<DeviceCredential> deviceCredentials) {
        List<CredentialView> bootstrap = new ArrayList<>();
        List<CredentialView> server = new ArrayList<>();
        for (DeviceCredential c : deviceCredentials) {
            (c.channel() == CredentialChannel.BOOTSTRAP ? bootstrap : server).add(CredentialView.of(c));
        }
        return new DeviceView(device.endpoint(), device.state(), device.profile() == null ? null : device.profile().name(),
                device.servers().stream().map(DmServer::name).toList(),
                device.createdAt(), device.updatedAt(), bootstrap, server, device.labels());
    }
}
