package io.lwm2m.provisioning.est;

/**
 * What an {@link EnrollmentAuthorizer} allows an authenticated client: certificates for
 * {@code endpoint} under {@code policy}.
 *
 * @param label           the certificate profile label asked for (null: the default)
 * @param modeFourAccount false when the authorizer knew the device had no live mode-4 (EST) DM-server
 *                        account: {@link EnrollmentAuthorizer#issued} then has no account to record the
 *                        certificate on and need not look for one; true when it may have one (or the
 *                        authorizer did not ask)
 */
public record EnrollmentGrant(String endpoint, String label, EstPolicy policy, boolean modeFourAccount) {
}
