package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.events.EventTypes;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A subscription as it is asked for: its name, the receiver's URL, the event types it takes (exact
 * names from {@link EventTypes}, or a prefix ending in {@code *}), optionally only the events of one
 * DM server, and its state.
 */
public record SubscriptionSpec(String name, String url, List<String> types, String dmServer, EventSubscription.State state) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public SubscriptionSpec {
        types = types == null ? null : List.copyOf(types);
        state = state == null ? EventSubscription.State.ENABLED : state;
    }

    /** Every rule the spec breaks, named by field; nothing when it is usable. */
    public FieldProblems check(FieldProblems problems) {
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        checkUrl(url, "url", problems);
        if (types == null || types.isEmpty()) {
            problems.add("types", "must name at least one event type, for example " + EventTypes.DEVICE_ADMITTED);
        } else {
            for (int i = 0; i < types.size(); i++) {
                String type = types.get(i);
                if (type == null || type.length() > 100 || EventTypes.ALL.stream().noneMatch(t -> EventTypes.matches(type, t))) {
                    problems.add("types[" + i + "]", "names no event type (" + String.join(", ", EventTypes.ALL)
                            + ", or a prefix of them ending in '*')");
                }
            }
        }
        if (dmServer != null && (dmServer.isBlank() || dmServer.length() > 64)) {
            problems.add("dmServer", "must be a DM server's name");
        }
        return problems;
    }

    /** An http(s) URL of at most 512 characters, with a host. */
    public static void checkUrl(String url, String field, FieldProblems problems) {
        try {
            URI uri = url == null ? null : new URI(url);
            if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || url.length() > 512) {
                problems.add(field, "must be an http(s) URL with a host, of at most 512 characters");
            }
        } catch (URISyntaxException e) {
            problems.add(field, "is not a valid URL");
        }
    }
}
