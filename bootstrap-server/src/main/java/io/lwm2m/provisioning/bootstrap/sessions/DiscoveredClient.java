package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.Link;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a Bootstrap-Discover of {@code /} tells about the client (LwM2M Core §5.2.7.1): its LwM2M
 * version, the objects it implements and their versions, its Security instances, and which of them
 * is its bootstrap account (the one without {@code ssid}).
 *
 * @param lwm2mVersion       the {@code lwm2m} attribute of {@code </>}, or null
 * @param objectVersions     object id → version, for every object the answer names
 * @param bootstrapAccountId the one Security instance without {@code ssid}, or null when there is
 *                           not exactly one
 * @param bootstrapAccountUri that instance's {@code uri} attribute, or null
 * @param instances          object id → the instance ids the answer lists
 */
record DiscoveredClient(String lwm2mVersion, Map<Integer, String> objectVersions, Integer bootstrapAccountId,
        String bootstrapAccountUri, Map<Integer, Set<Integer>> instances) {

    DiscoveredClient {
        objectVersions = Collections.unmodifiableMap(new TreeMap<>(objectVersions));
        instances = Collections.unmodifiableMap(new TreeMap<>(instances));
    }

    /** Every Security (/0) instance id. */
    Set<Integer> securityInstances() {
        return Collections.unmodifiableSet(instances.getOrDefault(0, Set.of()));
    }

    /**
     * Whether a Bootstrap-Delete of {@code path} would delete nothing, judged from an answer that
     * lists every object and instance the client has (a Discover of {@code /}), or only the
     * Security object (a Discover of {@code /0}, then only paths under /0 are judged). The
     * bootstrap account never counts: a Delete leaves it alone. {@code /} is never judged empty.
     */
    boolean holdsNothingAt(String path, boolean listsAllObjects) {
        String[] segments = path.split("/");
        if (segments.length < 2 || segments.length > 3 || !segments[0].isEmpty()) {
            return false;
        }
        int objectId;
        try {
            objectId = Integer.parseInt(segments[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (!listsAllObjects && objectId != 0) {
            return false;
        }
        Set<Integer> held = new TreeSet<>(instances.getOrDefault(objectId, Set.of()));
        if (objectId == 0) {
            if (bootstrapAccountId == null) {
                return held.isEmpty();
            }
            held.remove(bootstrapAccountId);
        }
        if (segments.length == 2) {
            return held.isEmpty();
        }
        try {
            return !held.contains(Integer.parseInt(segments[2]));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Reads a link-format Discover answer. An object listed without {@code ver} has the version its
     * enabler defines: for the Security and Server objects that is the client's LwM2M version.
     *
     * @throws IllegalArgumentException if a link names a path that is not numeric
     */
    static DiscoveredClient from(List<Link> links) {
        String lwm2m = null;
        Map<Integer, String> explicitVersions = new TreeMap<>();
        Set<Integer> objects = new TreeSet<>();
        Map<Integer, Set<Integer>> instances = new TreeMap<>();
        Map<Integer, String> bootstrapAccounts = new TreeMap<>();
        for (Link link : links) {
            if (link.target().equals("/")) {
                lwm2m = link.attributes().getOrDefault("lwm2m", lwm2m);
                continue;
            }
            String[] segments = link.target().split("/");
            if (segments.length < 2 || !segments[0].isEmpty()) {
                throw new IllegalArgumentException("not an LwM2M path: " + link.target());
            }
            int objectId = number(segments[1], link.target());
            objects.add(objectId);
            if (segments.length == 2 && link.attributes().containsKey("ver")) {
                explicitVersions.put(objectId, link.attributes().get("ver"));
            }
            if (segments.length == 3) {
                int instance = number(segments[2], link.target());
                instances.computeIfAbsent(objectId, id -> new TreeSet<>()).add(instance);
                if (objectId == 0 && !link.attributes().containsKey("ssid")) {
                    bootstrapAccounts.put(instance, link.attributes().get("uri"));
                }
            }
        }
        String enablerVersion = lwm2m == null ? "1.0" : lwm2m;
        Map<Integer, String> versions = new TreeMap<>();
        for (int objectId : objects) {
            versions.put(objectId, explicitVersions.getOrDefault(objectId, objectId <= 1 ? enablerVersion : "1.0"));
        }
        Integer accountId = bootstrapAccounts.size() == 1 ? bootstrapAccounts.keySet().iterator().next() : null;
        return new DiscoveredClient(lwm2m, versions, accountId,
                accountId == null ? null : bootstrapAccounts.get(accountId), instances);
    }

    boolean implementsObject(int objectId) {
        return objectVersions.containsKey(objectId);
    }

    /** Whether the client's version of {@code objectId} is at least {@code major.minor}; false if it lacks the object. */
    boolean objectAtLeast(int objectId, int major, int minor) {
        String version = objectVersions.get(objectId);
        if (version == null) {
            return false;
        }
        String[] parts = version.split("\\.");
        try {
            int clientMajor = Integer.parseInt(parts[0]);
            int clientMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return clientMajor > major || clientMajor == major && clientMinor >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static int number(String segment, String target) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("names a bad instance: " + target);
        }
    }
}
