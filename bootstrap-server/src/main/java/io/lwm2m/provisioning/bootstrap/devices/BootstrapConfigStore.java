package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialStatus;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredential;
import io.lwm2m.provisioning.bootstrap.credentials.DeviceCredentialRepository;
import io.lwm2m.provisioning.bootstrap.identity.BootstrapServerIdentity;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.sessions.BootstrapConfigSource;
import io.lwm2m.provisioning.bootstrap.sessions.ClientIdentity;
import io.lwm2m.provisioning.bootstrap.sessions.DeviceBootstrapConfig;
import io.lwm2m.provisioning.certificates.CertificateAuthorityService;
import io.lwm2m.provisioning.crypto.Der;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads what the bootstrap interface needs, in a fixed number of queries per device: the key
 * behind a PSK identity or the credential behind a public key or certificate for the DTLS
 * handshake, and the device's whole configuration for a session.
 *
 * <p>The PSK path, which every PSK bootstrap takes, is plain SQL outside transactions: one
 * statement in the handshake, one for the Bootstrap-Request (see ADR 015).
 */
@Component
public class BootstrapConfigStore implements BootstrapConfigSource {

    private static final Set<CredentialStatus> LIVE = EnumSet.of(CredentialStatus.ACTIVE, CredentialStatus.PENDING);

    private final DeviceRepository devices;
    private final DeviceCredentialRepository credentials;
    private final SecretCipher cipher;
    private final BootstrapServerIdentity serverIdentity;
    private final ProfileService profiles;
    private final BootstrapIdentities identities;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final VersionKeyedCache<String, EffectiveProfile> profileCache = new VersionKeyedCache<>(4096);
    private final HandshakePrefetch prefetched = new HandshakePrefetch(java.time.Duration.ofSeconds(5), 10_000);

    BootstrapConfigStore(DeviceRepository devices, DeviceCredentialRepository credentials, SecretCipher cipher,
            BootstrapServerIdentity serverIdentity, ProfileService profiles, BootstrapIdentities identities,
            JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.identities = identities;
        this.profiles = profiles;
        this.serverIdentity = serverIdentity;
        this.devices = devices;
        this.credentials = credentials;
        this.cipher = cipher;
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * The live bootstrap credential with this PSK identity and its key, for the DTLS handshake. The
     * same statement reads the device's whole configuration, which is kept for the Bootstrap-Request
     * that follows the handshake (see {@link #findByBootstrapIdentity}): one statement per PSK
     * bootstrap, outside any transaction.
     */
    public Optional<PskKey> bootstrapPsk(String identity) {
        List<DeviceRow> rows = jdbc.query(BY_PSK_IDENTITY, BootstrapConfigStore::deviceRow, identity);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        DeviceRow device = rows.get(0);
        LiveCredential credential = rows.stream().map(DeviceRow::credential)
                .filter(c -> c.id() == device.authenticatedWith()).findFirst().orElseThrow();
        byte[] key = secret(device.endpoint(), credential);
        prefetch(rows);
        return Optional.of(new PskKey(device.authenticatedWith(), device.id(), device.endpoint(), key));
    }

    /** A PSK bootstrap credential's id, its device, and its key, which the caller wipes after use. */
    public record PskKey(long credentialId, long deviceId, String endpoint, byte[] key) {
    }

    /** The id of the live bootstrap credential an authenticated DTLS identity stands for. */
    public Optional<Long> bootstrapCredentialId(ClientIdentity identity) {
        return identities.of(identity).map(BootstrapIdentities.Owner::credentialId);
    }

    /**
     * The live bootstrap credential a raw public key stands for, for the DTLS handshake's check. As
     * with {@link #bootstrapPsk}, the statement that finds it reads the device's whole configuration,
     * kept for the Bootstrap-Request that follows.
     */
    public Optional<Long> bootstrapCredentialOfKey(byte[] subjectPublicKeyInfo) {
        return prefetch(jdbc.query(BY_PUBLIC_KEY, BootstrapConfigStore::deviceRow, subjectPublicKeyInfo, subjectPublicKeyInfo));
    }

    /**
     * The live bootstrap credential a certificate stands for, for the DTLS handshake's check: for one
     * this CA issued (the caller checked our signature on it, so its serial is ours to trust) by its
     * serial, in the statement that also reads the configuration for the Bootstrap-Request; for a
     * factory certificate by the names it carries.
     */
    public Optional<Long> bootstrapCredentialOfCertificate(X509Certificate certificate, boolean issuedByThisCa) {
        if (!issuedByThisCa) {
            return bootstrapCredentialId(ClientIdentity.x509(certificate));
        }
        return prefetch(jdbc.query(BY_CERTIFICATE_SERIAL, BootstrapConfigStore::deviceRow,
                CertificateAuthorityService.hex(certificate.getSerialNumber())));
    }

    /** Keeps the configuration these rows describe for the Bootstrap-Request; the credential they were found by. */
    private Optional<Long> prefetch(List<DeviceRow> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        long credentialId = rows.get(0).authenticatedWith();
        prefetched.put(credentialId, configuration(rows));
        return Optional.of(credentialId);
    }

    /**
     * The device that owns this bootstrap identity and everything it is to receive. When the
     * handshake already named the credential ({@link ClientIdentity#credentialId()}), this is the
     * configuration the handshake's lookup read, if it is at most a few seconds old, or else one
     * statement; the effective profile comes from a cache keyed by the row versions it was built from.
     */
    @Override
    public Optional<DeviceBootstrapConfig> findByBootstrapIdentity(ClientIdentity identity) {
        if (identity.credentialId() != null) {
            return findByBootstrapCredential(identity.credentialId());
        }
        return bootstrapCredentialId(identity).flatMap(this::findByBootstrapCredential);
    }

    private Optional<DeviceBootstrapConfig> findByBootstrapCredential(long credentialId) {
        DeviceBootstrapConfig prefetch = prefetched.take(credentialId);
        if (prefetch != null) {
            return Optional.of(prefetch);
        }
        List<DeviceRow> rows = jdbc.query(BY_CREDENTIAL_ID, BootstrapConfigStore::deviceRow, credentialId);
        // None: revoked or retired since the handshake.
        return rows.isEmpty() ? Optional.empty() : Optional.of(configuration(rows));
    }

    private static final String BY_PSK_IDENTITY = configurationFoundBy(
            "a.channel = 'BOOTSTRAP' AND a.mode = 'PSK' AND a.psk_identity = ? AND a.status IN ('ACTIVE', 'PENDING')");
    private static final String BY_PUBLIC_KEY = configurationFoundBy("""
            a.channel = 'BOOTSTRAP' AND a.mode = 'RPK' AND sha256(a.public_key) = sha256(?) AND a.public_key = ?
              AND a.status IN ('ACTIVE', 'PENDING')""");
    private static final String BY_CERTIFICATE_SERIAL = configurationFoundBy(
            "a.channel = 'BOOTSTRAP' AND a.mode = 'X509' AND a.certificate_serial = ? AND a.status IN ('ACTIVE', 'PENDING')");
    private static final String BY_CREDENTIAL_ID = configurationFoundBy(
            "a.id = ? AND a.channel = 'BOOTSTRAP' AND a.status IN ('ACTIVE', 'PENDING')");

    /**
     * A device and its live credentials, one row per credential, found by the bootstrap credential
     * {@code a} that {@code condition} names; with the versions that key the device's effective profile
     * (see {@link EffectiveProfileKeys}). The versions are read in a subquery kept apart by {@code OFFSET 0}:
     * flattened into the join, PostgreSQL evaluated them again for every credential row.
     */
    private static String configurationFoundBy(String condition) {
        return """
                SELECT d.id, d.endpoint, d.state, d.profile_id, d.overrides, d.profile_version, d.server_versions,
                  c.id, c.channel, c.server_id, s.name, c.mode, c.status, c.psk_identity, c.public_key, c.certificate,
                  c.secret_ciphertext, c.wrapped_data_key, c.kek_version, d.found_by
                FROM (SELECT d.id, d.endpoint, d.state, d.profile_id, d.overrides, a.id AS found_by,
                        (SELECT p.version FROM profiles p WHERE p.id = d.profile_id) AS profile_version,
                        (SELECT string_agg(s.id || ':' || s.version, ',' ORDER BY ds.position)
                           FROM device_servers ds JOIN dm_servers s ON s.id = ds.server_id WHERE ds.device_id = d.id)
                          AS server_versions
                      FROM device_credentials a JOIN devices d ON d.id = a.device_id
                      WHERE %s
                      OFFSET 0) d
                JOIN device_credentials c ON c.device_id = d.id AND c.status IN ('ACTIVE', 'PENDING')
                LEFT JOIN dm_servers s ON s.id = c.server_id""".formatted(condition);
    }

    private static DeviceRow deviceRow(ResultSet row, int n) throws SQLException {
        byte[] ciphertext = row.getBytes(17);
        LiveCredential credential = new LiveCredential(row.getLong(8), CredentialChannel.valueOf(row.getString(9)),
                row.getObject(10, Long.class), row.getString(11), SecurityMode.valueOf(row.getString(12)),
                CredentialStatus.valueOf(row.getString(13)), row.getString(14), row.getBytes(15), row.getBytes(16),
                ciphertext == null ? null : new SealedSecret(ciphertext, row.getBytes(18), row.getInt(19)));
        return new DeviceRow(row.getLong(1), row.getString(2), DeviceState.valueOf(row.getString(3)),
                EffectiveProfileKeys.key(row.getObject(4, Long.class), row.getObject(6, Long.class), row.getString(5),
                        row.getString(7)),
                row.getLong(20), credential);
    }

    /** The configuration the rows of one device describe; the effective profile from the cache when it has it. */
    private DeviceBootstrapConfig configuration(List<DeviceRow> rows) {
        DeviceRow device = rows.get(0);
        EffectiveProfile profile = profileCache.get(device.profileKey());
        if (profile == null) {
            profile = readOnly.execute(tx -> {
                Device entity = devices.findById(device.id()).orElseThrow();
                EffectiveProfile loaded = effectiveProfile(entity);
                // Keyed by what was loaded: a change since the rows were read is a miss next time.
                profileCache.put(EffectiveProfileKeys.key(entity), loaded);
                return loaded;
            });
        }
        return assemble(device.id(), device.endpoint(), device.state(), profile,
                rows.stream().map(DeviceRow::credential).toList(), device.authenticatedWith());
    }

    /**
     * One row of {@link #configurationFoundBy}: the device, repeated, one of its live credentials, and the
     * bootstrap credential the query was for.
     */
    private record DeviceRow(long id, String endpoint, DeviceState state, String profileKey, long authenticatedWith,
            LiveCredential credential) {
    }

    /** The id of the device with this endpoint name, if there is one. */
    @Transactional(readOnly = true)
    public Optional<Long> deviceIdOf(String endpoint) {
        return devices.findByEndpoint(endpoint).map(Device::id);
    }

    /** Whether a device with this endpoint name exists (for telling refusals apart). */
    @Transactional(readOnly = true)
    @Override
    public boolean isRegistered(String endpoint) {
        return devices.existsByEndpoint(endpoint);
    }

    private DeviceBootstrapConfig load(Device device, long authenticatedWith) {
        List<LiveCredential> live = credentials.findByDeviceIdAndStatusIn(device.id(), LIVE).stream()
                .map(LiveCredential::of).toList();
        return assemble(device.id(), device.endpoint(), device.state(), effectiveProfile(device), live, authenticatedWith);
    }

    private DeviceBootstrapConfig assemble(long deviceId, String endpoint, DeviceState state, EffectiveProfile profile,
            List<LiveCredential> live, long authenticatedWith) {
        Map<Long, LiveCredential> byServer = new HashMap<>();
        List<Long> pending = new ArrayList<>();
        live.stream()
                .filter(c -> c.channel() == CredentialChannel.SERVER)
                // PENDING before ACTIVE: a rotated credential is delivered; the DM server accepts both meanwhile.
                .sorted(Comparator.comparing(LiveCredential::status, Comparator.reverseOrder()))
                .forEach(c -> byServer.putIfAbsent(c.serverId(), c));
        List<DmServerAccount> accounts = new ArrayList<>();
        for (EffectiveProfile.EffectiveServer settings : profile.servers()) {
            DmServer server = settings.server();
            LiveCredential credential = byServer.get(server.id());
            if (credential != null && credential.status() == CredentialStatus.PENDING) {
                pending.add(credential.id());
            }
            SecurityMode mode = credential == null ? settings.securityMode() : credential.mode();
            accounts.add(new DmServerAccount(server.name(), server.uri(), server.shortServerId(), settings.lifetime(),
                    settings.binding(), settings.notificationStoring(), mode, credential == null ? null : resource3(credential),
                    server.securityObjectServerKey(), secret(endpoint, credential), settings.defaultMinPeriod(),
                    settings.defaultMaxPeriod(), settings.disableTimeout(), settings.certificateUsage()));
        }
        // A rotated bootstrap credential the device has not used yet goes into its own bootstrap account.
        DeviceBootstrapConfig.BootstrapAccount bootstrapAccount = live.stream()
                .filter(c -> c.channel() == CredentialChannel.BOOTSTRAP && c.status() == CredentialStatus.PENDING
                        && c.id() != authenticatedWith)
                .findFirst()
                .map(c -> new DeviceBootstrapConfig.BootstrapAccount(c.id(), c.mode(), resource3(c), bootstrapServerKey(c.mode()),
                        secret(endpoint, c)))
                .orElse(null);
        if (bootstrapAccount != null) {
            pending.add(bootstrapAccount.credentialId());
        }
        boolean pendingAuthentication = live.stream()
                .anyMatch(c -> c.id() == authenticatedWith && c.status() == CredentialStatus.PENDING);
        return new DeviceBootstrapConfig(deviceId, endpoint, state.name(), authenticatedWith, pendingAuthentication, accounts,
                bootstrapAccount, pending, profile.accessControl(), profile.deletePaths(), profile.allowNoSec(),
                profile.compatibility());
    }

    private EffectiveProfile effectiveProfile(Device device) {
        return profiles.effectiveFor(device.profile(), device.overridesJson(), device.servers());
    }

    /**
     * The configuration of a device asking over plain CoAP, which proves nothing about who it is:
     * used only when its profile allows NoSec.
     */
    @Transactional(readOnly = true)
    @Override
    public Optional<DeviceBootstrapConfig> findForNoSec(String endpoint) {
        return devices.findByEndpoint(endpoint).map(d -> load(d, -1));
    }

    private byte[] secret(String endpoint, LiveCredential credential) {
        return credential == null || credential.sealed() == null ? null
                : cipher.open(credential.sealed(), DeviceCredential.secretContext(endpoint, credential.channel(),
                        credential.serverName(), credential.pskIdentity()));
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
    private static byte[] resource3(LiveCredential credential) {
        return switch (credential.mode()) {
            case PSK -> credential.pskIdentity().getBytes(StandardCharsets.UTF_8);
            case RPK -> credential.publicKey();
            case X509 -> credential.certificate();
            default -> null;
        };
    }

    /** A live credential as a configuration uses it, whether read through JPA or by one statement. */
    private record LiveCredential(long id, CredentialChannel channel, Long serverId, String serverName, SecurityMode mode,
            CredentialStatus status, String pskIdentity, byte[] publicKey, byte[] certificate, SealedSecret sealed) {

        static LiveCredential of(DeviceCredential c) {
            return new LiveCredential(c.id(), c.channel(), c.server() == null ? null : c.server().id(),
                    c.server() == null ? null : c.server().name(), c.mode(), c.status(), c.pskIdentity(), c.publicKey(),
                    c.certificate(), c.sealedSecret());
        }
    }
}
