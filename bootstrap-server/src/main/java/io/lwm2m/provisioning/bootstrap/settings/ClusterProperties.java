package io.lwm2m.provisioning.bootstrap.settings;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code provisioning.cluster.*}: DTLS Connection-ID forwarding between replicas (ADR 010),
 * validated with the node id's derivation in {@code transport.ClusterSettings}.
 *
 * @param enabled           more than one replica
 * @param nodeId            0..255; empty: the StatefulSet ordinal at the end of {@code POD_NAME}
 * @param address           the cluster port's address; empty: {@code provisioning.coap.address}
 * @param port              the internal UDP cluster port
 * @param secret            the key shared by the replicas (at least 16 characters)
 * @param peers             static peers {@code host:port}
 * @param peersDns          DNS name of the headless Service listing the replicas
 * @param discoveryInterval how often the replicas ping each other
 */
@ConfigurationProperties("provisioning.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("") String nodeId,
        @DefaultValue("") String address,
        @DefaultValue("5784") int port,
        @DefaultValue("") String secret,
        @DefaultValue("") String peersDns,
        @DefaultValue List<String> peers,
        @DefaultValue("2s") Duration discoveryInterval) {

    public ClusterProperties {
        peers = peers == null ? List.of() : List.copyOf(peers);
    }

    @Override
    public String toString() {
        return "ClusterProperties[enabled=" + enabled + ", nodeId=" + nodeId + ", port=" + port + "]"; // never the secret
    }
}
