package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.List;

/** An object instance to write: /{objectId}/{instanceId} with its resources. */
public record ObjectInstance(int objectId, int instanceId, List<Resource> resources) {

    public ObjectInstance {
        resources = List.copyOf(resources);
    }

    public String path() {
        return "/" + objectId + "/" + instanceId;
    }
}
