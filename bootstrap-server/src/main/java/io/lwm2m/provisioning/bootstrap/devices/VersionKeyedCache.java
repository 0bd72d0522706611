package io.lwm2m.provisioning.bootstrap.devices;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values derived from database rows, keyed by those rows' versions: an edit makes a new key, so an
 * entry is never stale and nothing is ever invalidated, on this replica or another; old keys age
 * out. Bounded, least recently used first out. Thread-safe.
 */
final class VersionKeyedCache<K, V> {

    private final Map<K, V> entries;

    VersionKeyedCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, V value) {
        entries.put(key, value);
    }

    synchronized int size() {
        return entries.size();
    }
}
