package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.crypto.SealedSecret;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The set-based SQL of bulk registration: one statement per table per batch, rows passed as
 * PostgreSQL arrays ({@code unnest}), so a batch of a thousand devices costs a handful of round
 * trips. Arrays are bound with {@code setObject}, which PgJDBC sends in PostgreSQL's binary array
 * format (no hex text for every key and ciphertext to write and parse back; decision 017).
 * Runs inside the caller's transaction.
 */
@Component
class DeviceBatchStore {

    private final JdbcTemplate jdbc;

    DeviceBatchStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** What an existing device looks like, as far as "identical" is concerned. */
    record Existing(String endpoint, String profile, List<String> labels, SecurityMode mode, String pskIdentity,
            byte[] publicKey, boolean hasCertificate, SealedSecret secret) {
    }

    Map<String, Existing> existing(Collection<String> endpoints) {
        if (endpoints.isEmpty()) {
            return Map.of();
        }
        return jdbc.execute((ConnectionCallback<Map<String, Existing>>) con -> {
            try (PreparedStatement ps = con.prepareStatement("""
                    SELECT d.endpoint, p.name, d.labels, c.mode, c.psk_identity, c.public_key, c.certificate IS NOT NULL,
                           c.secret_ciphertext, c.wrapped_data_key, c.kek_version
                    FROM devices d
                    LEFT JOIN profiles p ON p.id = d.profile_id
                    LEFT JOIN device_credentials c ON c.device_id = d.id AND c.channel = 'BOOTSTRAP' AND c.status = 'ACTIVE'
                    WHERE d.endpoint = ANY (?)""")) {
                ps.setObject(1, endpoints.toArray(new String[0]));
                Map<String, Existing> found = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String[] labels = (String[]) rs.getArray(3).getArray();
                        byte[] ciphertext = rs.getBytes(8);
                        found.put(rs.getString(1), new Existing(rs.getString(1), rs.getString(2), List.of(labels),
                                rs.getString(4) == null ? null : SecurityMode.valueOf(rs.getString(4)), rs.getString(5),
                                rs.getBytes(6), rs.getBoolean(7),
                                ciphertext == null ? null : new SealedSecret(ciphertext, rs.getBytes(9), rs.getInt(10))));
                    }
                }
                return found;
            }
        });
    }

    /** Which of these PSK identities already name a live bootstrap credential. */
    Set<String> takenBootstrapIdentities(Collection<String> identities) {
        if (identities.isEmpty()) {
            return Set.of();
        }
        return jdbc.execute((ConnectionCallback<Set<String>>) con -> {
            try (PreparedStatement ps = con.prepareStatement("""
                    SELECT psk_identity FROM device_credentials
                    WHERE channel = 'BOOTSTRAP' AND status IN ('ACTIVE', 'PENDING') AND psk_identity = ANY (?)""")) {
                ps.setObject(1, identities.toArray(new String[0]));
                Set<String> taken = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        taken.add(rs.getString(1));
                    }
                }
                return taken;
            }
        });
    }

    /** Whether this raw public key already belongs to a live bootstrap credential. */
    boolean bootstrapPublicKeyTaken(byte[] publicKey) {
        Boolean taken = jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM device_credentials WHERE channel = 'BOOTSTRAP' AND status IN ('ACTIVE', 'PENDING')
                               AND public_key IS NOT NULL AND sha256(public_key) = sha256(?))""", Boolean.class, publicKey);
        return Boolean.TRUE.equals(taken);
    }

    /** A device row to insert. */
    record DeviceRow(String endpoint, Long profileId, List<String> labels, List<Long> serverIds) {
    }

    /**
     * Inserts the devices and their DM-server links; returns endpoint → id of those inserted. An
     * endpoint registered meanwhile by someone else is left out (ON CONFLICT DO NOTHING).
     */
    Map<String, Long> insertDevices(List<DeviceRow> rows, Instant now) {
        if (rows.isEmpty()) {
            return Map.of();
        }
        return jdbc.execute((ConnectionCallback<Map<String, Long>>) con -> {
            int n = rows.size();
            String[] endpoints = new String[n];
            Long[] profileIds = new Long[n];
            String[] labels = new String[n];
            for (int i = 0; i < n; i++) {
                DeviceRow row = rows.get(i);
                endpoints[i] = row.endpoint();
                profileIds[i] = row.profileId();
                labels[i] = arrayLiteral(row.labels());
            }
            Map<String, Long> ids = new HashMap<>();
            try (PreparedStatement ps = con.prepareStatement("""
                    INSERT INTO devices (endpoint, state, profile_id, labels, created_at, updated_at, version)
                    SELECT e, 'ACTIVE', p, l::text[], ?, ?, 0 FROM unnest(?::varchar[], ?::bigint[], ?::text[]) AS t(e, p, l)
                    ON CONFLICT (endpoint) DO NOTHING
                    RETURNING id, endpoint""")) {
                Timestamp at = Timestamp.from(now);
                ps.setTimestamp(1, at);
                ps.setTimestamp(2, at);
                ps.setObject(3, endpoints);
                ps.setObject(4, profileIds);
                ps.setObject(5, labels);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.put(rs.getString(2), rs.getLong(1));
                    }
                }
            }
            List<Long> deviceIds = new ArrayList<>();
            List<Long> serverIds = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (DeviceRow row : rows) {
                Long id = ids.get(row.endpoint());
                if (id == null) {
                    continue;
                }
                for (int p = 0; p < row.serverIds().size(); p++) {
                    deviceIds.add(id);
                    serverIds.add(row.serverIds().get(p));
                    positions.add(p);
                }
            }
            if (!deviceIds.isEmpty()) {
                try (PreparedStatement ps = con.prepareStatement("""
                        INSERT INTO device_servers (device_id, server_id, position)
                        SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::int[])""")) {
                    ps.setObject(1, deviceIds.toArray(new Long[0]));
                    ps.setObject(2, serverIds.toArray(new Long[0]));
                    ps.setObject(3, positions.toArray(new Integer[0]));
                    ps.executeUpdate();
                }
            }
            return ids;
        });
    }

    /** A credential row to insert; {@code serverId} null for the bootstrap channel. */
    record CredentialRow(long deviceId, Long serverId, SecurityMode mode, String pskIdentity, byte[] publicKey,
            byte[] certificate, String certificateSerial, SealedSecret secret) {
    }

    /** Inserts ACTIVE credentials; returns their ids in the order given. */
    List<Long> insertCredentials(List<CredentialRow> rows, Instant now) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return jdbc.execute((ConnectionCallback<List<Long>>) con -> {
            Object[] columns = credentialColumns(rows);
            Long[] ids = new Long[rows.size()];
            try (PreparedStatement ps = con.prepareStatement("""
                    WITH input AS (
                        SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bytea[],
                                             ?::bytea[], ?::varchar[], ?::bytea[], ?::bytea[], ?::int[], ?::int[])
                            AS t(device_id, server_id, channel, mode, psk_identity, public_key, certificate, certificate_serial,
                                 secret_ciphertext, wrapped_data_key, kek_version, ord)
                    ), inserted AS (
                        INSERT INTO device_credentials (device_id, channel, server_id, mode, status, psk_identity, public_key,
                                                        certificate, certificate_serial, secret_ciphertext, wrapped_data_key,
                                                        kek_version, created_at)
                        SELECT device_id, channel, server_id, mode, 'ACTIVE', psk_identity, public_key, certificate,
                               certificate_serial, secret_ciphertext, wrapped_data_key, kek_version, ?
                        FROM input ORDER BY ord
                        RETURNING id, device_id, server_id
                    )
                    SELECT i.ord, inserted.id FROM inserted JOIN input i
                      ON i.device_id = inserted.device_id AND coalesce(i.server_id, 0) = coalesce(inserted.server_id, 0)""")) {
                for (int c = 0; c < columns.length; c++) {
                    ps.setObject(c + 1, columns[c]);
                }
                ps.setTimestamp(13, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids[rs.getInt(1)] = rs.getLong(2);
                    }
                }
            }
            return List.of(ids);
        });
    }

    /** The rows as the twelve column arrays the insert unnests, in its parameter order. */
    private static Object[] credentialColumns(List<CredentialRow> rows) {
        int n = rows.size();
        Long[] deviceIds = new Long[n];
        Long[] serverIds = new Long[n];
        String[] channels = new String[n];
        String[] modes = new String[n];
        String[] identities = new String[n];
        byte[][] publicKeys = new byte[n][];
        byte[][] certificates = new byte[n][];
        String[] serials = new String[n];
        byte[][] ciphertexts = new byte[n][];
        byte[][] wrappedKeys = new byte[n][];
        Integer[] kekVersions = new Integer[n];
        Integer[] ordinals = new Integer[n];
        for (int i = 0; i < n; i++) {
            CredentialRow row = rows.get(i);
            deviceIds[i] = row.deviceId();
            serverIds[i] = row.serverId();
            channels[i] = row.serverId() == null ? "BOOTSTRAP" : "SERVER";
            modes[i] = row.mode().name();
            identities[i] = row.pskIdentity();
            publicKeys[i] = row.publicKey();
            certificates[i] = row.certificate();
            serials[i] = row.certificateSerial();
            if (row.secret() != null) {
                ciphertexts[i] = row.secret().ciphertext();
                wrappedKeys[i] = row.secret().wrappedDataKey();
                kekVersions[i] = row.secret().kekVersion();
            }
            ordinals[i] = i;
        }
        return new Object[] {deviceIds, serverIds, channels, modes, identities, publicKeys, certificates, serials,
                ciphertexts, wrappedKeys, kekVersions, ordinals};
    }

    /** Devices of a profile (by name) or carrying a label, in id order after {@code afterId}. */
    List<SelectedDevice> select(String profile, String label, long afterId, int limit) {
        return jdbc.query("""
                SELECT d.id, d.endpoint FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id
                WHERE d.id > ? AND (CAST(? AS varchar) IS NULL OR p.name = ?) AND (CAST(? AS text) IS NULL OR ? = ANY (d.labels))
                ORDER BY d.id LIMIT ?""", (rs, i) -> new SelectedDevice(rs.getLong(1), rs.getString(2)),
                afterId, profile, profile, label, label, limit);
    }

    long count(String profile, String label) {
        Long count = jdbc.queryForObject("""
                SELECT count(*) FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id
                WHERE (CAST(? AS varchar) IS NULL OR p.name = ?) AND (CAST(? AS text) IS NULL OR ? = ANY (d.labels))""",
                Long.class, profile, profile, label, label);
        return count == null ? 0 : count;
    }

    /** A PostgreSQL array literal of the labels: each quoted, backslashes and quotes escaped. */
    private static String arrayLiteral(List<String> labels) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < labels.size(); i++) {
            literal.append(i == 0 ? "" : ",").append('"')
                    .append(labels.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }
}
