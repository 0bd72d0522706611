package io.lwm2m.provisioning.est;

/**
 * What an {@link EnrollmentAuthorizer} allows an authenticated client: certificates for
 * {@code endpoint} under {@code policy}.
 *
 * @param label the certificate profile label asked for (null: the default)
 */
public record EnrollmentGrant(String endpoint, String label, EstPolicy policy) {
}
