package io.lwm2m.provisioning.certificates;

import java.util.Optional;

/**
 * What this CA knows of a certificate a peer presents ({@link CertificateAuthorityService#examine}).
 *
 * @param issued its record, when this CA's issuing key signed it (so a failure can be told to its
 *               device, whatever the certificate's state)
 * @param valid  whether it is valid now: signed by the issuing CA under its name, within its dates,
 *               recorded as not revoked, and this CA's chain sound and within its dates
 */
public record PresentedCertificate(Optional<IssuedCertificate> issued, boolean valid) {

    static final PresentedCertificate FOREIGN = new PresentedCertificate(Optional.empty(), false);
}
