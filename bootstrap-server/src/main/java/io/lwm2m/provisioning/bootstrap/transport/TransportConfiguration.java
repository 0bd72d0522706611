package io.lwm2m.provisioning.bootstrap.transport;

import io.lwm2m.provisioning.bootstrap.settings.ClusterProperties;
import io.lwm2m.provisioning.bootstrap.settings.CoapSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The transport's derived settings. */
@Configuration(proxyBeanMethods = false)
class TransportConfiguration {

    /** The cluster settings, with the node id from {@code provisioning.cluster.node-id} or the StatefulSet's {@code POD_NAME}. */
    @Bean
    ClusterSettings clusterSettings(ClusterProperties cluster, CoapSettings coap, Environment environment) {
        return new ClusterSettings(cluster.enabled(), cluster.nodeId(), environment.getProperty("POD_NAME", ""),
                cluster.address().isBlank() ? coap.address() : cluster.address(), cluster.port(), cluster.secret(),
                cluster.peersDns(), cluster.peers(), cluster.discoveryInterval());
    }
}
