package io.lwm2m.provisioning.persistence;

import jakarta.persistence.EntityManager;

/**
 * PostgreSQL transaction-scoped advisory locks: how one replica at a time does a once-only step
 * (create the CA, the first API key) or keeps an order (the audit chain). Released at commit.
 */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /** Waits for the lock {@code key} until the current transaction ends. */
    public static void lock(EntityManager em, long key) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, key).getSingleResult();
    }

    /** Takes the lock {@code key} until the current transaction ends if nobody holds it; false otherwise. */
    public static boolean tryLock(EntityManager em, long key) {
        return Boolean.TRUE.equals(em.createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)").setParameter(1, key)
                .getSingleResult());
    }
}
