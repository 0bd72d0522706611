package io.lwm2m.provisioning.bootstrap.credentials;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.crypto.SealedSecret;
import io.lwm2m.provisioning.crypto.SecretCipher;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What a DM server needs to accept its devices: per device, the identity and key (PSK), public key
 * (RPK) or certificate (X.509) of its live credentials for that server, ACTIVE and PENDING (during a
 * rotation both authenticate). Never a device's private key: the DM server does not need it.
 * Streamed row by row from PostgreSQL; every export is audited with its count.
 */
@Service
public class ServerCredentialExport {

    private final JdbcTemplate jdbc;
    private final SecretCipher cipher;
    private final DmServerService servers;
    private final AuditSink audit;
    private final TransactionTemplate readOnly;

    ServerCredentialExport(JdbcTemplate jdbc, SecretCipher cipher, DmServerService servers, AuditSink audit,
            TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.servers = servers;
        this.audit = audit;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        this.readOnly.setReadOnly(true);
    }

    /** One exported credential; {@code key} is the PSK key (a secret), null for RPK and X.509. */
    public record ExportedCredential(String endpoint, long credentialId, CredentialStatus status, SecurityMode mode,
            String pskIdentity, byte[] key, byte[] publicKey, byte[] certificate) {

        @Override
        public String toString() {
            return "ExportedCredential[" + endpoint + ", " + credentialId + ", " + mode + ", " + pskIdentity + "]";
        }
    }

    /** Checks the server exists (404 otherwise) before a response is committed. */
    public void checkServer(String serverName) {
        servers.get(serverName);
    }

    /**
     * Hands every live credential of the server's devices to {@code sink}, ordered by endpoint, and
     * records the export (with its count, or as a failure if it broke off).
     */
    public long export(String serverName, Actor actor, Consumer<ExportedCredential> sink) {
        checkServer(serverName);
        long[] count = new long[1];
        try {
            readOnly.executeWithoutResult(status -> jdbc.query(con -> {
                var ps = con.prepareStatement("""
                        SELECT d.endpoint, c.id, c.status, c.mode, c.psk_identity, c.public_key, c.certificate,
                               c.secret_ciphertext, c.wrapped_data_key, c.kek_version
                        FROM device_credentials c
                        JOIN devices d ON d.id = c.device_id
                        JOIN dm_servers s ON s.id = c.server_id
                        WHERE s.name = ? AND c.channel = 'SERVER' AND c.status IN ('ACTIVE', 'PENDING')
                        ORDER BY d.endpoint, c.id""");
                ps.setFetchSize(1000);
                ps.setString(1, serverName);
                return ps;
            }, (RowCallbackHandler) rs -> {
                SecurityMode mode = SecurityMode.valueOf(rs.getString(4));
                String identity = rs.getString(5);
                byte[] key = null;
                if (mode == SecurityMode.PSK && rs.getBytes(8) != null) {
                    key = cipher.open(new SealedSecret(rs.getBytes(8), rs.getBytes(9), rs.getInt(10)),
                            DeviceCredential.secretContext(rs.getString(1), CredentialChannel.SERVER, serverName, identity));
                }
                sink.accept(new ExportedCredential(rs.getString(1), rs.getLong(2), CredentialStatus.valueOf(rs.getString(3)),
                        mode, identity, key, rs.getBytes(6), rs.getBytes(7)));
                count[0]++;
            }));
        } catch (RuntimeException e) {
            audit.record(actor.event("server.credentials.export", "server:" + serverName, AuditEvent.Outcome.FAILURE,
                    Map.of("credentials", Long.toString(count[0]), "reason", "broke off: " + e.getClass().getSimpleName())));
            throw e;
        }
        audit.record(actor.event("server.credentials.export", "server:" + serverName, AuditEvent.Outcome.SUCCESS,
                Map.of("credentials", Long.toString(count[0]))));
        return count[0];
    }
}
