package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.lwm2m.Link;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * A client nothing was discovered of, assumed to keep its bootstrap account at {@code instance}
     * (a profile's word for clients that refuse Discover).
     */
    static DiscoveredClient assumed(int instance, String lwm2mVersion) {
        Map<Integer, String> versions = lwm2mVersion == null ? Map.of() : Map.of(0, lwm2mVersion, 1, lwm2mVersion);
        return new DiscoveredClient(lwm2mVersion, versions, instance, null, Map.of(0, Set.of(instance)));
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
     * Reads a Bootstrap-Discover answer as clients in the field send it: RFC 6690 link-format,
     * optionally led by the LwM2M version as a bare token instead of a {@code </>} link, as LwM2M
     * 1.0 clients do ({@code lwm2m=1.0,</0/0>,...} from Wakaama, {@code lwm2m="1.0",</0>,...} from
     * Anjay; Core 1.1.1 §6.1.7.3 lets a server accept it). A {@code </>} link's version wins over
     * the token.
     *
     * @throws IllegalArgumentException if the body is not link-format or a path is not an LwM2M path
     */
    static DiscoveredClient parse(String body) {
        Matcher token = VERSION_TOKEN.matcher(body);
        if (!token.lookingAt()) {
            return from(Link.parse(body), null);
        }
        String version = version(token.group(1) != null ? token.group(1) : token.group(2).trim());
        String links = body.substring(token.end());
        if (token.group(3) != null && links.isBlank()) {
            throw new IllegalArgumentException("link-format: nothing after ',' at offset " + (token.end() - 1));
        }
        return from(Link.parse(links), version);
    }

    /**
     * A leading {@code lwm2m=VERSION} element, its value quoted or not, up to its comma. Possessive
     * quantifiers: the client chose the text, so no backtracking over it.
     */
    private static final Pattern VERSION_TOKEN = Pattern.compile(
            "\\s*+lwm2m\\s*+=\\s*+(?:\"([^\"]*+)\"|([^,\"]*+))\\s*+(?:(,)|$)", Pattern.CASE_INSENSITIVE);

    /** Reads link-format Discover links (see {@link #from(List, String)}). */
    static DiscoveredClient from(List<Link> links) {
        return from(links, null);
    }

    /**
     * Reads the links of a Discover answer. An object listed without {@code ver} has the version its
     * enabler defines: for the Security and Server objects that is the client's LwM2M version.
     * Links that name no LwM2M object (a non-numeric path) carry nothing the bootstrap needs and
     * are skipped; ids beyond 65535 are refused.
     *
     * @param leadingVersion the version of a leading {@code lwm2m=} token, or null
     * @throws IllegalArgumentException if a link names an object or instance id out of range
     */
    static DiscoveredClient from(List<Link> links, String leadingVersion) {
        String lwm2m = leadingVersion;
        Map<Integer, String> explicitVersions = new TreeMap<>();
        Set<Integer> objects = new TreeSet<>();
        Map<Integer, Set<Integer>> instances = new TreeMap<>();
        Map<Integer, String> bootstrapAccounts = new TreeMap<>();
        for (Link link : links) {
            if (link.target().equals("/")) {
                String root = link.attributes().get("lwm2m");
                lwm2m = root == null ? lwm2m : version(root);
                continue;
            }
            String[] segments = link.target().split("/", -1);
            if (segments.length < 2 || segments.length > 4 || !segments[0].isEmpty() || !isNumber(segments[1])) {
                continue;
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

    private static boolean isNumber(String segment) {
        return !segment.isEmpty() && segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** An object or instance id (0..65535). */
    private static int number(String segment, String target) {
        if (!isNumber(segment)) {
            throw new IllegalArgumentException("not an LwM2M path: " + truncated(target));
        }
        int value = segment.length() > 5 ? Integer.MAX_VALUE : Integer.parseInt(segment);
        if (value > 65535) {
            throw new IllegalArgumentException("id out of range (0..65535) in " + truncated(target));
        }
        return value;
    }

    /** An LwM2M version as {@code MAJOR.MINOR}. */
    private static String version(String value) {
        if (!value.matches("\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("lwm2m version '" + truncated(value) + "' is not MAJOR.MINOR");
        }
        return value;
    }

    /** The client chose this text: a bounded, printable excerpt for a session's reason. */
    private static String truncated(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 40) + "...";
    }
}
