package io.lwm2m.provisioning.events;

/**
 * Where the events of a change go: an outbox written in the change's own transaction, so an event is
 * never told of a change that rolled back, and never lost for one that committed. Declared here, at
 * the bottom of the module stack like the audit sink, so every module can publish; implemented by
 * the module that owns the outbox and its delivery.
 */
public interface EventSink {

    /**
     * Records {@code event} for delivery, in the caller's transaction (which must exist). Publish after
     * the transaction's audit record: both take the same lock, once, in that order.
     */
    void publish(Event event);
}
