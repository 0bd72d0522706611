package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.certificates.ManufacturerCaService;
import io.lwm2m.provisioning.bootstrap.identity.BootstrapServerIdentity;
import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.nio.charset.StandardCharsets;
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
 * behind a PSK identity or the credential behind a public key or certificate for the DTLS
 * handshake, and the device's whole configuration for a session.
 */
@Component
public class BootstrapConfigStore {

    private static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final SecretCipher cipher;
    private final BootstrapServerIdentity serverIdentity;
    private final ProfileService profiles;
    private final CertificateAuthorityService ca;

    BootstrapConfigStore(DeviceRepository devices, DeviceCredentialRepository credentials, SecretCipher cipher,
            BootstrapServerIdentity serverIdentity, ProfileService profiles, CertificateAuthorityService ca) {
        this.ca = ca;
        this.profiles = profiles;
        this.serverIdentity = serverIdentity;
        this.devices = devices;
        this.credentials = credentials;
        this.cipher = cipher;
    }

    /** The key of the live bootstrap credential with this PSK identity, for the DTLS handshake. */
    @Transactional(readOnly = true)
    public Optional<byte[]> bootstrapPskKey(String identity) {
        return credentials.findBootstrapByPskIdentity(identity, LIVE).map(c -> cipher.open(c.sealedSecret(), c.secretContext()));
    }

    /** The live bootstrap credential an authenticated DTLS identity stands for. */
    @Transactional(readOnly = true)
    public Optional<DeviceCredential> bootstrapCredential(ClientIdentity identity) {
        return switch (identity.mode()) {
            case PSK -> credentials.findBootstrapByPskIdentity(identity.pskIdentity(), LIVE);
            case RPK -> credentials.findBootstrapByPublicKey(SecurityMode.RPK, identity.publicKey(), LIVE);
            case X509 -> credentials.findBootstrapByCertificateSerial(
                    CertificateAuthorityService.hex(identity.certificate().getSerialNumber()), LIVE)
                    // Not one of ours: a factory certificate (its chain was validated in the handshake)
                    // names the device by subject CN or SAN URI.
                    .or(() -> ca.find(CertificateAuthorityService.hex(identity.certificate().getSerialNumber())).isPresent()
                            ? Optional.empty() // ours, but not a live bootstrap credential: never a factory one
                            : ManufacturerCaService.namesOf(identity.certificate()).stream()
                            .map(name -> credentials.findBootstrapFactoryCertificate(name, LIVE))
                            .flatMap(Optional::stream).findFirst());
            default -> Optional.empty();
        };
    }

    /** The device that owns this bootstrap identity and everything it is to receive. */
    @Transactional(readOnly = true)
    public Optional<DeviceBootstrapConfig> findByBootstrapIdentity(ClientIdentity identity) {
        return bootstrapCredential(identity).map(c -> load(c.device(), c.id()));
    }

    /** Whether a device with this endpoint name exists (for telling refusals apart). */
    @Transactional(readOnly = true)
    public boolean isRegistered(String endpoint) {
        return devices.existsByEndpoint(endpoint);
    }

    private DeviceBootstrapConfig load(Device device, long authenticatedWith) {
        List<DeviceCredential> live = credentials.findByDeviceIdAndStatusIn(device.id(), LIVE);
        Map<Long, DeviceCredential> byServer = new HashMap<>();
        List<Long> pending = new ArrayList<>();
        live.stream()
                .filter(c -> c.channel() == CredentialChannel.SERVER)
                // PENDING before ACTIVE: a rotated credential is delivered; the DM server accepts both meanwhile.
                .sorted(Comparator.comparing(DeviceCredential::status, Comparator.reverseOrder()))
                .forEach(c -> byServer.putIfAbsent(c.server().id(), c));
        EffectiveProfile profile = effectiveProfile(device);
        List<DmServerAccount> accounts = new ArrayList<>();
        for (EffectiveProfile.EffectiveServer settings : profile.servers()) {
            DmServer server = settings.server();
            DeviceCredential credential = byServer.get(server.id());
            if (credential != null && credential.status() == CredentialStatus.PENDING) {
                pending.add(credential.id());
            }
            SecurityMode mode = credential == null ? settings.securityMode() : credential.mode();
            accounts.add(new DmServerAccount(server.name(), server.uri(), server.shortServerId(), settings.lifetime(),
                    settings.binding(), settings.notificationStoring(), mode, credential == null ? null : resource3(credential),
                    server.securityObjectServerKey(), secret(credential), settings.defaultMinPeriod(),
                    settings.defaultMaxPeriod(), settings.disableTimeout(), settings.certificateUsage()));
        }
        // A rotated bootstrap credential the device has not used yet goes into its own bootstrap account.
        DeviceBootstrapConfig.BootstrapAccount bootstrapAccount = live.stream()
                .filter(c -> c.channel() == CredentialChannel.BOOTSTRAP && c.status() == CredentialStatus.PENDING
                        && c.id() != authenticatedWith)
                .findFirst()
                .map(c -> new DeviceBootstrapConfig.BootstrapAccount(c.id(), c.mode(), resource3(c), bootstrapServerKey(c.mode()),
                        secret(c)))
                .orElse(null);
        if (bootstrapAccount != null) {
            pending.add(bootstrapAccount.credentialId());
        }
        boolean pendingAuthentication = live.stream()
                .anyMatch(c -> c.id() == authenticatedWith && c.status() == CredentialStatus.PENDING);
        return new DeviceBootstrapConfig(device.id(), device.endpoint(), device.state(), authenticatedWith,
                pendingAuthentication, accounts,
                bootstrapAccount, pending, profile.accessControl(), profile.deletePaths(), profile.allowNoSec());
    }

    private EffectiveProfile effectiveProfile(Device device) {
        return profiles.effectiveFor(device.profile(), device.overridesJson(), device.servers());
    }

    /**
     * The configuration of a device asking over plain CoAP, which proves nothing about who it is:
     * used only when its profile allows NoSec.
     */
    @Transactional(readOnly = true)
    public Optional<DeviceBootstrapConfig> findForNoSec(String endpoint) {
        return devices.findByEndpoint(endpoint).map(d -> load(d, -1));
    }

    private byte[] secret(DeviceCredential credential) {
        return credential == null || credential.sealedSecret() == null ? null
                : cipher.open(credential.sealedSecret(), credential.secretContext());
    }

    /** /0/x/4 of the bootstrap account: this server's public key (RPK) or certificate (X509). */
    private byte[] bootstrapServerKey(SecurityMode mode) {
        return switch (mode) {
            case RPK -> serverIdentity.publicKey().getEncoded();
            case X509 -> Der.encoded(serverIdentity.certificateChain().get(0));
            default -> null;
        };
    }

    /** /0/x/3: the PSK identity, the device's public key (RPK) or its certificate (X509). */
    private static byte[] resource3(DeviceCredential credential) {
        return switch (credential.mode()) {
            case PSK -> credential.pskIdentity().getBytes(StandardCharsets.UTF_8);
            case RPK -> credential.publicKey();
            case X509 -> credential.certificate();
            default -> null;
        };
    }
}
