package io.lwm2m.provisioning.bootstrap.sessions;

/**
 * Zero-touch enrollment's seam (issue 17): what becomes of an authenticated identity that belongs to
 * no device. The session core asks only when the identity named none (so a registered device's
 * bootstrap never pays for it); enrollment groups decide, and create the device exactly once.
 */
public interface DeviceAdmission {

    /** Where the first contact came in. */
    enum Channel { BOOTSTRAP, EST }

    /**
     * Admits the device this identity proves, if a group covers it.
     *
     * @param requestedEndpoint the endpoint the request names ({@code ep}), or null when it names none
     * @param peer              the client's address, for the record
     */
    Admission admit(ClientIdentity identity, String requestedEndpoint, Channel channel, String peer);

    /** No enrollment groups: every unknown identity stays unknown. */
    DeviceAdmission NONE = (identity, requestedEndpoint, channel, peer) -> new Admission.NotCovered();

    /** What a first contact came to. */
    sealed interface Admission {

        /** No group covers the identity: it is an unknown one, as without groups. */
        record NotCovered() implements Admission {
        }

        /** The device exists now (created by this contact, or a moment ago by a concurrent one): look it up again. */
        record Admitted(String endpoint) implements Admission {
        }

        /** A group covers the identity and refused it; the reason is recorded with the group. */
        record Refused(String reason) implements Admission {
        }
    }
}
