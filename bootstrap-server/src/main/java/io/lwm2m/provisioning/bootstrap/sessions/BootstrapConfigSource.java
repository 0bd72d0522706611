package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.Optional;

/**
 * Where the session core finds what a device receives (Leshan's BootstrapConfigStore): the
 * configuration of the device an authenticated identity belongs to, or, for plain CoAP, of the
 * device an endpoint name claims. Implemented by the device registry.
 */
public interface BootstrapConfigSource {

    /** The configuration of the device whose live bootstrap credential this identity is. */
    Optional<DeviceBootstrapConfig> findByBootstrapIdentity(ClientIdentity identity);

    /** The configuration of the device named {@code endpoint}, asked over plain CoAP (which proves nothing). */
    Optional<DeviceBootstrapConfig> findForNoSec(String endpoint);

    /** Whether a device with this endpoint name exists (for telling refusals apart). */
    boolean isRegistered(String endpoint);
}
