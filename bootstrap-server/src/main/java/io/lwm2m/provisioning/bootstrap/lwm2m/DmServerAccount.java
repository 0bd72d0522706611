package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a device needs to reach one DM server: the Security (/0) and Server (/1) instance
 * contents. Holds key material in memory for the length of one bootstrap session only.
 */
public record DmServerAccount(String serverName, String uri, int shortServerId, int lifetime, String binding,
        boolean notificationStoring, SecurityMode mode, String pskIdentity, byte[] secretKey) {

    /** The Security object instance (LwM2M Core, object 0). */
    public ObjectInstance securityInstance(int instanceId) {
        List<Resource> resources = new ArrayList<>();
        resources.add(Resource.string(0, uri));
        resources.add(Resource.bool(1, false));
        resources.add(Resource.integer(2, mode.code()));
        resources.add(Resource.opaque(3, pskIdentity == null ? new byte[0] : pskIdentity.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        resources.add(Resource.opaque(4, new byte[0]));
        resources.add(Resource.opaque(5, secretKey == null ? new byte[0] : secretKey));
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
