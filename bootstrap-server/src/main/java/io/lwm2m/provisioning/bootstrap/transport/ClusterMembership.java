package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.threads.WorkerPools;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.scandium.DtlsClusterConnector.ClusterNodesProvider;
import org.eclipse.californium.scandium.DtlsManagedClusterConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica has which node id, learned over the cluster port. Every discovery interval this
 * node sends a ping (its node id) to each candidate peer (the static list and every address the
 * headless Service's DNS name resolves to, re-resolved each round); a peer answers with a pong
 * carrying its own id. Both travel over the cluster port's DTLS, whose PSK is the shared cluster
 * secret, so only a replica holding the secret becomes a node that records are forwarded to.
 * Nodes not heard from for three intervals are forgotten.
 */
final class ClusterMembership implements ClusterNodesProvider {

    private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);
    private static final byte PING = 1;
    private static final byte PONG = 2;

    private final DtlsManagedClusterConnector connector;
    private final ClusterSettings settings;
    private final int nodeId;
    private final long expiryNanos;
    private final Map<Integer, Node> byId = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Integer> byAddress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    private record Node(InetSocketAddress address, long lastSeenNanos) {
    }

    ClusterMembership(DtlsManagedClusterConnector connector, ClusterSettings settings, WorkerPools pools) {
        this.connector = connector;
        this.settings = settings;
        this.nodeId = settings.nodeId();
        this.expiryNanos = settings.discoveryInterval().toNanos() * 3;
        this.timer = pools.timer("cluster-membership");
        connector.setClusterNodesProvider(this);
        connector.getClusterManagementConnector().setRawDataReceiver(this::receive);
    }

    /** Starts the discovery rounds; the connector must be started. */
    void start() {
        long interval = settings.discoveryInterval().toMillis();
        timer.scheduleWithFixedDelay(this::discover, 0, interval, TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
    }

    @Override
    public InetSocketAddress getClusterNode(int nodeId) {
        Node node = byId.get(nodeId);
        return node == null ? null : node.address();
    }

    @Override
    public boolean available(InetSocketAddress destinationConnector) {
        return byAddress.containsKey(destinationConnector);
    }

    /** The node ids currently known, this node's excluded. */
    Set<Integer> knownNodes() {
        return Set.copyOf(byId.keySet());
    }

    private void discover() {
        try {
            Connector management = connector.getClusterManagementConnector();
            if (!management.isRunning()) {
                return;
            }
            for (InetSocketAddress peer : candidates()) {
                management.send(RawData.outbound(new byte[] {PING, (byte) nodeId}, new AddressEndpointContext(peer), null, false));
            }
            long now = System.nanoTime();
            byId.forEach((id, node) -> {
                if (now - node.lastSeenNanos() > expiryNanos && byId.remove(id, node)) {
                    byAddress.remove(node.address(), id);
                    log.info("Cluster node {}: node {} at {} is gone (not heard from)", nodeId, id, node.address());
                }
            });
        } catch (RuntimeException e) {
            log.warn("Cluster node {}: discovery round failed: {}", nodeId, e.toString());
        }
    }

    /** Static peers and the addresses behind the DNS name, resolved now, without this node itself. */
    private Set<InetSocketAddress> candidates() {
        Set<InetSocketAddress> candidates = new LinkedHashSet<>();
        for (InetSocketAddress peer : settings.staticPeers()) {
            try {
                candidates.add(new InetSocketAddress(InetAddress.getByName(peer.getHostString()), peer.getPort()));
            } catch (UnknownHostException e) {
                log.debug("Cluster peer {} does not resolve", peer.getHostString());
            }
        }
        if (!settings.peersDns().isEmpty()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(settings.peersDns())) {
                    candidates.add(new InetSocketAddress(address, settings.address().getPort()));
                }
            } catch (UnknownHostException e) {
                // Normal while the first pod starts: the headless Service lists no address yet.
                log.debug("Cluster peers DNS name {} does not resolve yet", settings.peersDns());
            }
        }
        InetSocketAddress self = connector.getClusterInternalAddress();
        candidates.removeIf(candidate -> candidate.getPort() == self.getPort() && isLocal(candidate.getAddress()));
        return candidates;
    }

    private static boolean isLocal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** A management message, decrypted: it came from a holder of the cluster secret. */
    private void receive(RawData message) {
        byte[] data = message.getBytes();
        if (data.length != 2 || (data[0] != PING && data[0] != PONG)) {
            log.debug("Cluster node {}: ignored a management message of {} bytes", nodeId, data.length);
            return;
        }
        int peerId = data[1] & 0xff;
        InetSocketAddress from = message.getInetSocketAddress();
        if (peerId == nodeId) {
            log.warn("Cluster node {}: {} claims the same node id; give every replica its own"
                    + " (provisioning.cluster.node-id or the StatefulSet ordinal)", nodeId, from);
            return;
        }
        Node previous = byId.put(peerId, new Node(from, System.nanoTime()));
        if (previous == null || !previous.address().equals(from)) {
            if (previous != null) {
                byAddress.remove(previous.address(), peerId);
            }
            log.info("Cluster node {}: node {} is at {}", nodeId, peerId, from);
        }
        byAddress.put(from, peerId);
        if (data[0] == PING) {
            connector.getClusterManagementConnector().send(
                    RawData.outbound(new byte[] {PONG, (byte) nodeId}, message.getEndpointContext(), null, false));
        }
    }
}
