package io.lwm2m.provisioning.bootstrap.transport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How this replica takes part in the DTLS cluster ({@code provisioning.cluster.*}): its node id
 * (the first byte of every Connection ID it issues), the internal cluster port, the key shared by
 * the replicas, and where the others are. Off by default; validated at startup with messages that
 * name the property.
 */
public class ClusterSettings {

    /** The PSK identity of the cluster port's DTLS; the key is what makes a peer a member. */
    static final String PSK_IDENTITY = "lwm2m-provisioning-cluster";
    private static final Pattern ORDINAL = Pattern.compile(".*-(\\d+)$");
    private static final int MIN_SECRET_LENGTH = 16;

    private final boolean enabled;
    private final int nodeId;
    private final InetSocketAddress address;
    private final byte[] secretKey;
    private final String peersDns;
    private final List<String> staticPeers;
    private final Duration discoveryInterval;

    ClusterSettings(boolean enabled,
            String nodeId,
            String podName,
            String host,
            int port,
            String secret,
            String peersDns,
            List<String> staticPeers,
            Duration discoveryInterval) {
        this.enabled = enabled;
        this.peersDns = peersDns.trim();
        this.staticPeers = staticPeers.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        this.discoveryInterval = discoveryInterval;
        if (!enabled) {
            this.nodeId = -1;
            this.address = null;
            this.secretKey = null;
            return;
        }
        this.nodeId = nodeId(nodeId.trim(), podName.trim());
        if (port < 0 || port > 65535) {
            throw new IllegalStateException("provisioning.cluster.port must be 0..65535, not " + port);
        }
        this.address = new InetSocketAddress(host, port);
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("provisioning.cluster.secret (PROVISIONING_CLUSTER_SECRET) must be set to a"
                    + " shared key of at least " + MIN_SECRET_LENGTH + " characters when provisioning.cluster.enabled=true");
        }
        this.secretKey = sha256(secret.getBytes(StandardCharsets.UTF_8));
        // Neither peers-dns nor peers: this node learns only the peers that ping it (the first node
        // of a static setup, whose peers name it).
        for (String peer : this.staticPeers) {
            parsePeer(peer);
        }
        if (discoveryInterval.isNegative() || discoveryInterval.isZero()) {
            throw new IllegalStateException("provisioning.cluster.discovery-interval must be positive, not " + discoveryInterval);
        }
    }

    /** The explicit node id, else the StatefulSet ordinal at the end of the pod name. */
    static int nodeId(String explicit, String podName) {
        int id;
        if (!explicit.isEmpty()) {
            try {
                id = Integer.parseInt(explicit);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("provisioning.cluster.node-id must be a number 0..255, not '" + explicit + "'");
            }
        } else {
            Matcher ordinal = ORDINAL.matcher(podName);
            if (!ordinal.matches()) {
                throw new IllegalStateException("provisioning.cluster.node-id is not set and POD_NAME ('" + podName
                        + "') does not end with a StatefulSet ordinal (-<n>)");
            }
            try {
                id = Integer.parseInt(ordinal.group(1));
            } catch (NumberFormatException e) {
                id = -1;
            }
        }
        if (id < 0 || id > 255) {
            throw new IllegalStateException("the cluster node id (provisioning.cluster.node-id or the POD_NAME ordinal)"
                    + " must be 0..255: it is the first byte of the DTLS Connection ID; got " + (explicit.isEmpty() ? podName : explicit));
        }
        return id;
    }

    /** {@code host:port} of a static peer. */
    static InetSocketAddress parsePeer(String peer) {
        int colon = peer.lastIndexOf(':');
        if (colon <= 0 || colon == peer.length() - 1) {
            throw new IllegalStateException("provisioning.cluster.peers entries are host:port, not '" + peer + "'");
        }
        String host = peer.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(peer.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalStateException("provisioning.cluster.peers: the port of '" + peer + "' must be 1..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static byte[] sha256(byte[] secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean enabled() {
        return enabled;
    }

    public int nodeId() {
        return nodeId;
    }

    InetSocketAddress address() {
        return address;
    }

    /** The PSK of the cluster port: SHA-256 of the configured secret (any length in, 32 bytes out). */
    byte[] secretKey() {
        return secretKey.clone();
    }

    String peersDns() {
        return peersDns;
    }

    /** The configured static peers, unresolved. */
    List<InetSocketAddress> staticPeers() {
        List<InetSocketAddress> peers = new ArrayList<>();
        staticPeers.forEach(p -> peers.add(parsePeer(p)));
        return peers;
    }

    Duration discoveryInterval() {
        return discoveryInterval;
    }

    @Override
    public String toString() {
        // Never the secret.
        return enabled ? "cluster node " + nodeId + " on " + address : "cluster disabled";
    }
}
