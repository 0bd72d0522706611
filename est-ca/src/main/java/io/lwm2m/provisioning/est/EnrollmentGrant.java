package io.lwm2m.provisioning.est;

/**
 * What an {@link EnrollmentAuthorizer} allows an authenticated client: certificates for
 * {@code endpoint} under {@code policy}.
 *
 * @param label           the certificate profile label asked for (null: the default)
 * @param modeFourAccount whether the device had a live mode-4 (EST) DM-server account when it was
 *                        authorized; without one, {@link EnrollmentAuthorizer#issued} has no account to
 *                        record the certificate on and need not look for one
 */
public record EnrollmentGrant(String endpoint, String label, EstPolicy policy, boolean modeFourAccount) {
}
