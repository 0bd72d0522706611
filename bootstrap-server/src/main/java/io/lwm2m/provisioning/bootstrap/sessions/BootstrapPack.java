package io.lwm2m.provisioning.bootstrap.sessions;

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
 * Discover. Nothing reserves an instance id for the client's bootstrap-server account (Anjay keeps
 * it at /0/1, Wakaama and Leshan at /0/0), and a client writes a pack's instances over what it
 * holds: the DM Security instances skip the id the server knows the account at (ADR 019). The
 * objects are written in their 1.1+ shape (a 1.2 client asked).
 */
final class BootstrapPack {

    private BootstrapPack() {
    }

    /**
     * @param bootstrapAccountInstance the Security instance id of the client's bootstrap account,
     *                                 which the pack leaves alone
     */
    static List<ObjectInstance> instances(DeviceBootstrapConfig config, int bootstrapAccountInstance) {
        List<ObjectInstance> instances = new ArrayList<>();
        int securityId = 0;
        int serverId = 0;
        for (DmServerAccount account : config.accounts()) {
            if (securityId == bootstrapAccountInstance) {
                securityId++;
            }
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
