package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.sessions.BootstrapEvents;
import java.util.List;
import org.eclipse.californium.scandium.DtlsClusterHealth;

/**
 * Scandium's cluster statistics, handed on as {@link BootstrapEvents#clusterRecord(String)}:
 * records this node forwarded to the node owning their Connection ID, records peers forwarded to
 * it, and the answers travelling back through the node that received the original record.
 */
final class ClusterTraffic implements DtlsClusterHealth {

    private final List<BootstrapEvents> events;

    ClusterTraffic(List<BootstrapEvents> events) {
        this.events = events;
    }

    private void count(String kind) {
        events.forEach(e -> e.clusterRecord(kind));
    }

    @Override
    public void forwardMessage() {
        count("forwarded");
    }

    @Override
    public void processForwardedMessage() {
        count("received");
    }

    @Override
    public void backwardMessage() {
        count("backwarded");
    }

    @Override
    public void sendBackwardedMessage() {
        count("returned");
    }

    @Override
    public void dropForwardMessage() {
        count("dropped");
    }

    @Override
    public void dropBackwardMessage() {
        count("dropped");
    }

    @Override
    public void badForwardMessage() {
        count("rejected");
    }

    @Override
    public void badBackwardMessage() {
        count("rejected");
    }

    @Override
    public void sendingClusterManagementMessage() {
        // membership pings: not records of devices
    }

    @Override
    public void receivingClusterManagementMessage() {
        // membership pings: not records of devices
    }

    @Override
    public void dump(String tag, int maxConnections, int remainingCapacity, int pendingWithoutVerify) {
        // counted continuously, nothing to log
    }

    @Override
    public boolean isEnabled() {
        return true;
    }

    @Override
    public void startHandshake() {
        // handshakes are counted by FailureGate
    }

    @Override
    public void endHandshake(boolean success) {
        // handshakes are counted by FailureGate
    }

    @Override
    public void receivingRecord(boolean drop) {
        // not a cluster figure
    }

    @Override
    public void sendingRecord(boolean drop) {
        // not a cluster figure
    }
}
