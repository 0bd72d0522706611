package io.lwm2m.provisioning.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something that happened that other systems may subscribe to (issue 17): a device admitted, a
 * bootstrap that succeeded, a certificate issued. Delivered as a CloudEvents 1.0 event of
 * {@code type} with {@code data} as its JSON data.
 *
 * @param type     one of {@link EventTypes}
 * @param subject  what it is about (the device's endpoint, a certificate's serial), or null
 * @param stream   what orders it: events of one stream reach each subscriber in the order they
 *                 happened ({@code device:<endpoint>} for everything about one device)
 * @param dmServer the DM server it concerns, for subscriptions to one DM server's events; or null
 * @param data     the event's facts, never a secret; values are strings, numbers, booleans or lists
 */
public record Event(String type, String subject, String stream, String dmServer, Map<String, Object> data) {

    public Event {
        if (type == null || stream == null) {
            throw new IllegalArgumentException("an event needs a type and a stream");
        }
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** An event about one device: its endpoint is the subject and names the stream. */
    public static Event ofDevice(String type, String endpoint, String dmServer, Map<String, Object> data) {
        return new Event(type, endpoint, deviceStream(endpoint), dmServer, data);
    }

    /** The stream of everything about one device. */
    public static String deviceStream(String endpoint) {
        return "device:" + endpoint;
    }
}
