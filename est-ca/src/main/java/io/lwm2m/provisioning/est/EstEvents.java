package io.lwm2m.provisioning.est;

/** Observes EST requests (metrics). Implementations must be cheap and must not throw. */
public interface EstEvents {

    /**
     * An EST request ended: {@code outcome} is {@code issued}, {@code pending}, {@code served}
     * (crts, att), or the rule that refused it (e.g. {@code csr.subject}).
     */
    void request(EstOperation operation, String outcome);

    /** The writes of {@code size} issued certificates committed in one transaction (decision 085). */
    default void issuanceGroup(int size) {
    }
}
