package io.lwm2m.provisioning.bootstrap.enrollment;

/** What admissions come to, for whoever counts it (metrics). Must be fast and never throw. */
public interface AdmissionListener {

    /**
     * A first contact a group covered ended.
     *
     * @param mechanism {@code X509} or {@code SYMMETRIC_KEY}
     * @param outcome   {@code admitted} or {@code refused}
     */
    void admission(String mechanism, String outcome);
}
