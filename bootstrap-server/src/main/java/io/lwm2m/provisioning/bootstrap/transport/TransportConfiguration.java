package io.lwm2m.provisioning.bootstrap.transport;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Registers the transport's typed settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DtlsCipherSuites.class)
class TransportConfiguration {
}
