package io.lwm2m.provisioning.bootstrap.sessions;

import io.lwm2m.provisioning.bootstrap.devices.DeviceBootstrapConfig;
import io.lwm2m.provisioning.bootstrap.lwm2m.DmServerAccount;
import io.lwm2m.provisioning.bootstrap.lwm2m.ObjectInstance;
import io.lwm2m.provisioning.bootstrap.lwm2m.Resource;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The instances of a LwM2M 1.2 Bootstrap-Pack: one Security (/0) and one Server (/1) instance per
 * DM server and the profile's Access Control (/2) instances, for a client that asked without a
 * Discover, so none of its instance ids is known. Security instances start at 1: instance 0 is
 * where clients keep their bootstrap account by convention, and the pack must not overwrite it.
 * The objects are written in their 1.1+ shape (a 1.2 client asked).
 */
final class BootstrapPack {

    /** The first Security instance id of a pack. */
    static final int FIRST_SECURITY_INSTANCE = 1;

    private BootstrapPack() {
    }

    static List<ObjectInstance> instances(DeviceBootstrapConfig config) {
        List<ObjectInstance> instances = new ArrayList<>();
        int securityId = FIRST_SECURITY_INSTANCE;
        int serverId = 0;
        for (DmServerAccount account : config.accounts()) {
            instances.add(account.securityInstance(securityId++, true));
        }
        for (DmServerAccount account : config.accounts()) {
            instances.add(account.serverInstance(serverId++, true));
        }
        instances.addAll(accessControlInstances(config.accessControl()));
        return instances;
    }

    /** The profile's Access Control instances on instance ids from 0. */
    static List<ObjectInstance> accessControlInstances(List<ProfileDefinition.AccessControl> accessControl) {
        List<ObjectInstance> instances = new ArrayList<>();
        int id = 0;
        for (ProfileDefinition.AccessControl acl : accessControl) {
            Map<Integer, Long> rights = new TreeMap<>();
            if (acl.acl() != null) {
                acl.acl().forEach((ssid, bits) -> rights.put(ssid, bits.longValue()));
            }
            List<Resource> resources = new ArrayList<>(List.of(Resource.integer(0, acl.objectId()), Resource.integer(1, acl.instanceId())));
            if (!rights.isEmpty()) {
                resources.add(Resource.integers(2, rights));
            }
            resources.add(Resource.integer(3, acl.owner()));
            instances.add(new ObjectInstance(2, id++, resources));
        }
        return instances;
    }
}
