package io.lwm2m.provisioning.est;

import io.lwm2m.provisioning.ca.BuiltCertificate;

/**
 * Decides who may enroll, for which endpoint and under which policy; implemented by the module
 * that knows devices and profiles (bootstrap-server), so this module stays below it.
 */
public interface EnrollmentAuthorizer {

    /**
     * Which device the authenticated {@code identity} is, and its EST policy for {@code label}
     * (null: no label). Throws {@link EstException} naming the rule that refuses it: unauthenticated,
     * unknown identity, disabled device, PSK/RPK not allowed by the profile, unknown label.
     */
    EnrollmentGrant authorize(EstIdentity identity, String label, EstOperation operation);

    /**
     * The CA just issued {@code certificate} to the device of {@code grant}; runs in the issuing
     * transaction, so a failure here rolls the issuance back. {@link BuiltCertificate#x509()} parses
     * it: only an implementation that keeps the certificate should ask.
     */
    void issued(EnrollmentGrant grant, EstIdentity identity, EstOperation operation, BuiltCertificate certificate);
}
