package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a device needs to reach one server: the Security (/0) and Server (/1) instance
 * contents. Holds key material in memory for the length of one bootstrap session only.
 *
 * @param publicKeyOrIdentity /0/x/3: PSK identity (UTF-8), the device's public key (RPK,
 *                            SubjectPublicKeyInfo DER) or certificate (DER); empty for NoSec and EST
 * @param serverPublicKey     /0/x/4: the server's public key (RPK) or certificate (DER); empty for PSK and NoSec
 * @param secretKey           /0/x/5: the PSK key or the device's private key (PKCS#8 DER); empty for NoSec and EST
 * @param defaultMinPeriod    /1/x/2, written when set
 * @param defaultMaxPeriod    /1/x/3, written when set
 * @param disableTimeout      /1/x/5, written when set
 * @param certificateUsage    /0/x/15 (LwM2M 1.1), written for X509 and EST accounts when set and the
 *                            client's Security object has it
 */
public record DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
        boolean notificationStoring, SecurityMode mode, byte[] publicKeyOrIdentity, byte[] serverPublicKey,
        byte[] secretKey, Integer defaultMinPeriod, Integer defaultMaxPeriod, Integer disableTimeout,
        Integer certificateUsage) {

    public DmServerAccount {
        publicKeyOrIdentity = publicKeyOrIdentity == null ? new byte[0] : publicKeyOrIdentity;
        serverPublicKey = serverPublicKey == null ? new byte[0] : serverPublicKey;
        secretKey = secretKey == null ? new byte[0] : secretKey;
    }

    /** An account with the Server object's mandatory resources only. */
    public DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
            boolean notificationStoring, SecurityMode mode, byte[] publicKeyOrIdentity, byte[] serverPublicKey,
            byte[] secretKey) {
        this(serverName, uri, shortServerId, lifetime, binding, notificationStoring, mode, publicKeyOrIdentity,
                serverPublicKey, secretKey, null, null, null, null);
    }

    /** A PSK (or, with nulls, NoSec) account. */
    public DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
            boolean notificationStoring, SecurityMode mode, String pskIdentity, byte[] pskKey) {
        this(serverName, uri, shortServerId, lifetime, binding, notificationStoring, mode,
                pskIdentity == null ? null : pskIdentity.getBytes(StandardCharsets.UTF_8), null, pskKey);
    }

    /** The Security object instance (LwM2M Core, object 0) with the resources every version has. */
    public ObjectInstance securityInstance(int instanceId) {
        return securityInstance(instanceId, false);
    }

    /**
     * The Security object instance; {@code version11} when the client's Security object is 1.1 or
     * later, which adds the certificate usage (/0/x/15) for certificate accounts.
     */
    public ObjectInstance securityInstance(int instanceId, boolean version11) {
        List<Resource> resources = new ArrayList<>();
        resources.add(Resource.string(0, uri));
        resources.add(Resource.bool(1, false));
        resources.add(Resource.integer(2, mode.code()));
        resources.add(Resource.opaque(3, publicKeyOrIdentity));
        resources.add(Resource.opaque(4, serverPublicKey));
        resources.add(Resource.opaque(5, secretKey));
        resources.add(Resource.integer(10, shortServerId));
        if (version11 && certificateUsage != null && (mode == SecurityMode.X509 || mode == SecurityMode.EST)) {
            resources.add(Resource.integer(15, certificateUsage));
        }
        return new ObjectInstance(0, instanceId, resources);
    }

    /** The Server object instance (LwM2M Core, object 1) as a 1.0 Server object holds it. */
    public ObjectInstance serverInstance(int instanceId) {
        return serverInstance(instanceId, false);
    }

    /**
     * The Server object instance; {@code version11} when the client's Server object is 1.1 or later,
     * where queue mode is no longer a Binding letter (the client asks for it when it registers), so
     * a 'Q' in the configured binding is left out.
     */
    public ObjectInstance serverInstance(int instanceId, boolean version11) {
        List<Resource> resources = new ArrayList<>();
        resources.add(Resource.integer(0, shortServerId));
        resources.add(Resource.integer(1, lifetime));
        if (defaultMinPeriod != null) {
            resources.add(Resource.integer(2, defaultMinPeriod));
        }
        if (defaultMaxPeriod != null) {
            resources.add(Resource.integer(3, defaultMaxPeriod));
        }
        if (disableTimeout != null) {
            resources.add(Resource.integer(5, disableTimeout));
        }
        resources.add(Resource.bool(6, notificationStoring));
        resources.add(Resource.string(7, version11 ? binding.replace("Q", "") : binding));
        return new ObjectInstance(1, instanceId, resources);
    }

    @Override
    public String toString() {
        return "DmServerAccount[" + serverName + ", ssid=" + shortServerId + ", mode=" + mode + "]";
    }
}
