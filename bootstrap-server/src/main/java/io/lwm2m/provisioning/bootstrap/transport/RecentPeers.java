package io.lwm2m.provisioning.bootstrap.transport;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The address each recently bootstrapped endpoint came from, so its DTLS connection can be closed
 * when its credential ends. Bounded: the oldest entries go first (their connections have long gone
 * stale by then).
 */
final class RecentPeers {

    private final Map<String, InetSocketAddress> byEndpoint;

    RecentPeers(int capacity) {
        this.byEndpoint = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, InetSocketAddress> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void remember(String endpoint, InetSocketAddress peer) {
        byEndpoint.put(endpoint, peer);
    }

    synchronized List<InetSocketAddress> forget(String endpoint) {
        InetSocketAddress peer = byEndpoint.remove(endpoint);
        return peer == null ? List.of() : List.of(peer);
    }
}
