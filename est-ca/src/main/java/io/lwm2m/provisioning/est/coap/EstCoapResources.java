package io.lwm2m.provisioning.est.coap;

import io.lwm2m.provisioning.est.EstOperation;
import io.lwm2m.provisioning.est.EstService;
import io.lwm2m.provisioning.est.EstSettings;
import io.lwm2m.provisioning.threads.WorkerPools;
import java.util.concurrent.Executor;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.server.resources.Resource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The EST-coaps resources of RFC 9148 under {@code /.well-known/est}: {@code crts}, {@code sen},
 * {@code sren}, {@code skg}, {@code skc}, {@code att}, and the same under
 * {@code /.well-known/est/<label>/} where a label selects a certificate profile. Requests are
 * handled on {@code executor}, off the CoAP stack's own threads, since they reach the database and
 * the CA: a bounded pool of {@code provisioning.est.coap-threads}, whose full queue drops the request
 * (the client retransmits).
 */
@Component
@EnableConfigurationProperties(EstSettings.class)
public class EstCoapResources {

    private final EstService est;
    private final Executor executor;

    EstCoapResources(EstService est, EstSettings settings, WorkerPools pools) {
        this.est = est;
        this.executor = pools.bounded("est-coap", settings.coapThreads(), 10_000);
    }

    /** Adds {@code /.well-known/est} to {@code server} (whose {@code /.well-known} holds {@code core}). */
    public void attachTo(CoapServer server) {
        Resource wellKnown = server.getRoot().getChild(".well-known");
        if (wellKnown == null) {
            throw new IllegalStateException("the CoAP server has no /.well-known resource to attach EST to");
        }
        wellKnown.add(new EstRoot(est, executor));
    }

    /** {@code /.well-known/est}: the operations, and any other child name taken as a label. */
    static final class EstRoot extends CoapResource {

        private final EstService est;
        private final Executor executor;

        EstRoot(EstService est, Executor executor) {
            super("est");
            this.est = est;
            this.executor = executor;
            for (EstOperation operation : EstOperation.values()) {
                add(new EstOperationResource(est, operation, null, true));
            }
        }

        @Override
        public Resource getChild(String name) {
            Resource child = super.getChild(name);
            if (child != null) {
                return child;
            }
            // A label: built for this request only (never added, so discovery does not list it and
            // clients cannot grow a cache); whether the device's profile knows it is checked per device.
            LabelResource label = new LabelResource(est, name);
            label.setParent(this);
            return label;
        }

        @Override
        public Executor getExecutor() {
            return executor;
        }
    }

    /** {@code /.well-known/est/<label>}: the operations for one certificate label. */
    static final class LabelResource extends CoapResource {

        LabelResource(EstService est, String label) {
            super(label, false);
            for (EstOperation operation : EstOperation.values()) {
                add(new EstOperationResource(est, operation, label, false));
            }
        }
    }
}
