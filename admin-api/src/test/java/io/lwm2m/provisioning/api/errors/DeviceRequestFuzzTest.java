package io.lwm2m.provisioning.api.errors;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwm2m.provisioning.api.devices.DeviceRequest;
import io.lwm2m.provisioning.bootstrap.devices.EndpointName;
import io.lwm2m.provisioning.bootstrap.devices.NewDevice;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.errors.InputText;

/** Fuzzes {@code POST /api/v1/devices} bodies: refused as documented, or a device whose fields fit the grammar and columns. */
class DeviceRequestFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void aDeviceBodyIsRefusedOrStorable(byte[] body) {
        NewDevice device = RequestBodies.accept(body, DeviceRequest.class, DeviceRequest::validate);
        if (device == null) {
            return;
        }
        RequestBodies.require(EndpointName.isValid(device.endpoint()), "endpoint in the grammar", device.endpoint());
        RequestBodies.require(device.profile() == null || ProfileService.isValidName(device.profile()), "profile name", device);
        RequestBodies.require(device.profile() != null || !device.servers().isEmpty(), "a profile or servers", device);
        RequestBodies.require(device.pskIdentity() == null || InputText.lineProblem(device.pskIdentity()) == null, "identity", device);
        RequestBodies.require((device.pskIdentity() == null) == (device.pskKey() == null), "identity and key together", device);
    }
}
