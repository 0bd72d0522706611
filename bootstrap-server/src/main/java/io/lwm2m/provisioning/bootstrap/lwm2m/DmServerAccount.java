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
 */
public record DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
        boolean notificationStoring, SecurityMode mode, byte[] publicKeyOrIdentity, byte[] serverPublicKey,
        byte[] secretKey) {

    public DmServerAccount {
        publicKeyOrIdentity = publicKeyOrIdentity == null ? new byte[0] : publicKeyOrIdentity;
        serverPublicKey = serverPublicKey == null ? new byte[0] : serverPublicKey;
        secretKey = secretKey == null ? new byte[0] : secretKey;
    }

    /** A PSK (or, with nulls, NoSec) account. */
    public DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
            boolean notificationStoring, SecurityMode mode, String pskIdentity, byte[] pskKey) {
        this(serverName, uri, shortServerId, lifetime, binding, notificationStoring, mode,
                pskIdentity == null ? null : pskIdentity.getBytes(StandardCharsets.UTF_8), null, pskKey);
    }

    /** The Security object instance (LwM2M Core, object 0). */
    public ObjectInstance securityInstance(int instanceId) {
        List<Resource> resources = new ArrayList<>();
        resources.add(Resource.string(0, uri));
        resources.add(Resource.bool(1, false));
        resources.add(Resource.integer(2, mode.code()));
        resources.add(Resource.opaque(3, publicKeyOrIdentity));
        resources.add(Resource.opaque(4, serverPublicKey));
        resources.add(Resource.opaque(5, secretKey));
        resources.add(Resource.integer(10, shortServerId));
        return new ObjectInstance(0, instanceId, resources);
    }

    /** The Server object instance (LwM2M Core, object 1). */
    public ObjectInstance serverInstance(int instanceId) {
        return new ObjectInstance(1, instanceId, List.of(
                Resource.integer(0, shortServerId),
                Resource.integer(1, lifetime),
                Resource.bool(6, notificationStoring),
                Resource.string(7, binding)));
    }

    @Override
    public String toString() {
        return "DmServerAccount[" + serverName + ", ssid=" + shortServerId + ", mode=" + mode + "]";
    }
}
