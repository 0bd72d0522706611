package io.lwm2m.provisioning.api.bootstrapserver;

import io.lwm2m.provisioning.api.openapi.Operation;
import io.lwm2m.provisioning.bootstrap.identity.BootstrapServerIdentity;
import io.lwm2m.provisioning.ca.Pem;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/bootstrap-server}: the public key and certificate this server presents in RPK and
 * X.509 DTLS handshakes, for the factory to put into each device's bootstrap account (/0/x/4).
 * Public material: no API key needed.
 */
@RestController
@RequestMapping("/api/v1/bootstrap-server")
class BootstrapServerController {

    private final BootstrapServerIdentity identity;

    BootstrapServerController(BootstrapServerIdentity identity) {
        this.identity = identity;
    }

    @GetMapping
    @Operation(id = "getBootstrapServerIdentity", summary = "The public key and certificate chain the bootstrap server presents")
    Identity get() {
        return new Identity(Pem.publicKey(identity.publicKey()), Pem.certificates(identity.certificateChain()));
    }

    record Identity(String publicKey, String certificateChain) {
    }
}
