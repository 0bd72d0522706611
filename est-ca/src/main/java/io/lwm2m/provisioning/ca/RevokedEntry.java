package io.lwm2m.provisioning.ca;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * One revoked certificate for the CRL. {@code reasonCode} is an RFC 5280 CRLReason: 0 unspecified, 1 keyCompromise,
 * 2 cACompromise, 3 affiliationChanged, 4 superseded, 5 cessationOfOperation, 6 certificateHold, 8 removeFromCRL,
 * 9 privilegeWithdrawn, 10 aACompromise (7 is not assigned).
 */
public record RevokedEntry(BigInteger serial, Instant revokedAt, int reasonCode) {

    public static final int UNSPECIFIED = 0;
    public static final int KEY_COMPROMISE = 1;
    public static final int CA_COMPROMISE = 2;
    public static final int AFFILIATION_CHANGED = 3;
    public static final int SUPERSEDED = 4;
    public static final int CESSATION_OF_OPERATION = 5;
    public static final int CERTIFICATE_HOLD = 6;
    public static final int REMOVE_FROM_CRL = 8;
    public static final int PRIVILEGE_WITHDRAWN = 9;
    public static final int AA_COMPROMISE = 10;

    public RevokedEntry {
        if (serial == null || serial.signum() <= 0) {
            throw new IllegalArgumentException("revoked serial must be a positive number, not " + serial);
        }
        Objects.requireNonNull(revokedAt, "revokedAt of serial " + serial.toString(16) + " must be given");
        if (reasonCode < 0 || reasonCode > 10 || reasonCode == 7) {
            throw new IllegalArgumentException("revocation reason of serial " + serial.toString(16)
                    + ": " + reasonCode + " is not an RFC 5280 CRLReason (0..10 except 7)");
        }
    }
}
