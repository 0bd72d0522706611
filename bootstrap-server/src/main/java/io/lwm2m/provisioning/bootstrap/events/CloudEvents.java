package io.lwm2m.provisioning.bootstrap.events;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An outbox event as a CloudEvents 1.0 event in structured mode (the JSON event format,
 * {@code application/cloudevents+json}): {@code specversion}, {@code id} (also the webhook-id a
 * receiver de-duplicates by), {@code source}, {@code type}, {@code subject}, {@code time},
 * {@code datacontenttype} and the event's {@code data}.
 */
final class CloudEvents {

    static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CloudEvents() {
    }

    static byte[] body(Deliveries.Claimed event, String source) {
        ObjectNode node = JSON.createObjectNode();
        node.put("specversion", "1.0");
        node.put("id", event.eventId().toString());
        node.put("source", source);
        node.put("type", event.type());
        if (event.subject() != null) {
            node.put("subject", event.subject());
        }
        node.put("time", event.occurredAt().toString());
        node.put("datacontenttype", "application/json");
        node.set("data", JSON.readTree(event.data()));
        return JSON.writeValueAsBytes(node);
    }
}
