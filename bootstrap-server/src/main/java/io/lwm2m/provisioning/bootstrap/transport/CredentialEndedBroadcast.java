package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.credentials.CredentialChannel;
import io.lwm2m.provisioning.bootstrap.credentials.CredentialEnded;
import io.lwm2m.provisioning.threads.WorkerPools;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * With more than one replica, a device's DTLS connection may live on any of them; when its
 * bootstrap credential ends, every replica must drop it. The ending transaction sends a PostgreSQL
 * {@code NOTIFY} (delivered only if it commits), and every replica {@code LISTEN}s on one dedicated
 * connection and closes what it holds for that endpoint. Only with {@code provisioning.cluster.enabled};
 * a single replica closes its own connections directly ({@link BootstrapEndpoints}).
 * See docs/decisions/010-replicas-and-cluster-forwarding.md.
 */
@Component
class CredentialEndedBroadcast implements SmartLifecycle {

    static final String CHANNEL = "provisioning_credential_ended";
    private static final Logger log = LoggerFactory.getLogger(CredentialEndedBroadcast.class);

    @PersistenceContext
    private EntityManager em;

    private final DataSource dataSource;
    private final WorkerPools pools;
    private final BootstrapEndpoints endpoints;
    private final ClusterSettings cluster;
    private volatile boolean running;
    private volatile boolean listening;
    private Thread listener;

    CredentialEndedBroadcast(DataSource dataSource, BootstrapEndpoints endpoints, ClusterSettings cluster, WorkerPools pools) {
        this.pools = pools;
        this.dataSource = dataSource;
        this.endpoints = endpoints;
        this.cluster = cluster;
    }

    /** In the ending transaction: the notification goes out with its commit, or not at all. */
    @TransactionalEventListener(phase = TransactionPhase.BEFORE_COMMIT)
    void announce(CredentialEnded ended) {
        if (cluster.enabled() && ended.channel() == CredentialChannel.BOOTSTRAP) {
            em.createNativeQuery("SELECT pg_notify(?1, ?2) IS NULL").setParameter(1, CHANNEL)
                    .setParameter(2, ended.endpoint()).getSingleResult();
        }
    }

    @Override
    public synchronized void start() {
        if (!cluster.enabled() || running) {
            return;
        }
        running = true;
        listener = pools.loop("credential-ended-listener", this::listen);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the LISTEN connection is up (false while reconnecting). */
    boolean isListening() {
        return listening;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                listening = true;
                log.info("Listening for credentials ended on other replicas");
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            endpoints.closeConnectionsOf(notification.getParameter(), "its credential ended (seen by a replica)");
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (running) {
                    // Ended credentials announced while reconnecting are missed here; their connections
                    // still cannot start a new handshake or session.
                    log.warn("The LISTEN connection for ended credentials failed, reconnecting in 1s: {}", e.toString());
                    sleep();
                }
            }
        }
        listening = false;
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
