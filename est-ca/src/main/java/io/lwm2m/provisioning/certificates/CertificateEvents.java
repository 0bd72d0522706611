package io.lwm2m.provisioning.certificates;

import io.lwm2m.provisioning.ca.BuiltCertificate;
import io.lwm2m.provisioning.events.Event;
import io.lwm2m.provisioning.events.EventTypes;
import java.util.LinkedHashMap;
import java.util.Map;

/** The events of the CA: a certificate issued or revoked, in its device's stream when it names one. */
final class CertificateEvents {

    private CertificateEvents() {
    }

    static Event issued(BuiltCertificate certificate, String endpoint, String profile, String requestedBy) {
        String serial = CertificateAuthorityService.hex(certificate.serialNumber());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("serial", serial);
        data.put("subject", certificate.subject());
        data.put("endpoint", endpoint);
        data.put("profile", profile);
        data.put("notAfter", certificate.notAfter().toString());
        data.put("requestedBy", requestedBy);
        return of(EventTypes.CERTIFICATE_ISSUED, serial, endpoint, data);
    }

    static Event revoked(IssuedCertificate certificate, int reasonCode, String revokedBy) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("serial", certificate.serial());
        data.put("endpoint", certificate.endpoint());
        data.put("reason", reasonCode);
        data.put("revokedBy", revokedBy);
        return of(EventTypes.CERTIFICATE_REVOKED, certificate.serial(), certificate.endpoint(), data);
    }

    private static Event of(String type, String serial, String endpoint, Map<String, Object> data) {
        return endpoint == null ? new Event(type, serial, "certificate:" + serial, null, data)
                : Event.ofDevice(type, endpoint, null, data);
    }
}
