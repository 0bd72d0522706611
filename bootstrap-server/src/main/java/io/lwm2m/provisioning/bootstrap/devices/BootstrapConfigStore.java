package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads what the bootstrap interface needs, in a fixed number of queries per device: the key
 * behind a PSK identity for the DTLS handshake, and the device's whole configuration for a session.
 */
@Component
public class BootstrapConfigStore {

    private static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final SecretCipher cipher;

    BootstrapConfigStore(DeviceRepository devices, DeviceCredentialRepository credentials, SecretCipher cipher) {
        this.devices = devices;
        this.credentials = credentials;
        this.cipher = cipher;
    }

    /** The key of the live bootstrap credential with this PSK identity, for the DTLS handshake. */
    @Transactional(readOnly = true)
    public Optional<byte[]> bootstrapPskKey(String identity) {
        return credentials.findBootstrapByPskIdentity(identity, LIVE).map(c -> cipher.open(c.sealedSecret(), c.secretContext()));
    }

    /** The device that owns this bootstrap PSK identity and everything it is to receive. */
    @Transactional(readOnly = true)
    public Optional<DeviceBootstrapConfig> findByBootstrapPskIdentity(String identity) {
        return credentials.findBootstrapByPskIdentity(identity, LIVE).map(c -> load(c.device()));
    }

    /** Whether a device with this endpoint name exists (for telling refusals apart). */
    @Transactional(readOnly = true)
    public boolean isRegistered(String endpoint) {
        return devices.existsByEndpoint(endpoint);
    }

    private DeviceBootstrapConfig load(Device device) {
        Map<Long, DeviceCredential> byServer = new HashMap<>();
        credentials.findByDeviceIdAndStatusIn(device.id(), LIVE).stream()
                .filter(c -> c.channel() == CredentialChannel.SERVER)
                // ACTIVE before PENDING: the device keeps its working credential until rotation says otherwise.
                .sorted(Comparator.comparing(DeviceCredential::status))
                .forEach(c -> byServer.putIfAbsent(c.server().id(), c));
        List<DmServerAccount> accounts = new ArrayList<>();
        for (DmServer server : device.servers()) {
            DeviceCredential credential = byServer.get(server.id());
            byte[] key = null;
            String identity = null;
            if (credential != null && credential.sealedSecret() != null) {
                identity = credential.pskIdentity();
                key = cipher.open(credential.sealedSecret(), credential.secretContext());
            }
            accounts.add(new DmServerAccount(server.name(), server.uri(), server.shortServerId(), server.lifetime(),
                    server.binding(), server.notificationStoring(),
                    credential == null ? server.securityMode() : credential.mode(), identity, key));
        }
        return new DeviceBootstrapConfig(device.id(), device.endpoint(), device.state(), accounts);
    }
}
