package io.lwm2m.provisioning.bootstrap.devices;

import io.lwm2m.provisioning.bootstrap.profiles.EffectiveProfile;
import io.lwm2m.provisioning.bootstrap.profiles.ProfileService;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import java.util.List;
import java.util.Set;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads of devices: one device, a page of devices, what a device's next bootstrap holds, fleet selections. */
@Service
public class DeviceQueries {

    private final DeviceRecords records;
    private final DeviceRepository devices;
    private final DeviceBatchStore batches;
    private final ProfileService profiles;
    private final DeviceSearches searches;

    DeviceQueries(DeviceRecords records, DeviceRepository devices, DeviceBatchStore batches, ProfileService profiles,
            DeviceSearches searches) {
        this.records = records;
        this.devices = devices;
        this.batches = batches;
        this.profiles = profiles;
        this.searches = searches;
    }

    /** A device and what it receives in its next bootstrap (its profile resolved with its overrides). */
    public record PlannedBootstrap(DeviceView device, EffectiveProfile profile) {
    }

    /** The device with its live credentials (never key material); 404 for an unknown endpoint. */
    @Transactional(readOnly = true)
    public DeviceView get(String endpoint) {
        return records.view(records.find(endpoint));
    }

    /** The device with this endpoint, if there is one (a DELETED tombstone included). */
    @Transactional(readOnly = true)
    public java.util.Optional<DeviceView> find(String endpoint) {
        return devices.findByEndpoint(endpoint).map(records::view);
    }

    /** What the device receives in its next bootstrap, resolved from its profile and overrides. */
    @Transactional(readOnly = true)
    public PlannedBootstrap plannedBootstrap(String endpoint) {
        Device device = records.find(endpoint);
        EffectiveProfile effective = profiles.effectiveFor(device.profile(), device.overridesJson(), device.servers());
        return new PlannedBootstrap(records.view(device), effective);
    }

    /**
     * One page of devices in {@code states}, in registration order, after the device with internal id
     * {@code afterId}; no credentials (list views stay one query).
     */
    @Transactional(readOnly = true)
    public List<DeviceSummary> list(Set<DeviceState> states, long afterId, int limit) {
        return devices.findByStateInAndIdGreaterThanOrderById(states, afterId, Limit.of(limit))
                .stream().map(d -> new DeviceSummary(d.id(), d.endpoint(), d.state(),
                        d.profile() == null ? null : d.profile().name(), d.createdAt(), d.updatedAt(), d.labels()))
                .toList();
    }

    /**
     * One page of the devices {@code search} finds, in endpoint order, after {@code afterEndpoint}
     * (null: from the first); no credentials. An unknown profile finds nothing.
     */
    @Transactional(readOnly = true)
    public List<DeviceSummary> search(DeviceSearch search, String afterEndpoint, int limit) {
        return searches.search(search, afterEndpoint, limit);
    }

    /** The names of the DM servers a device is provisioned for. */
    @Transactional(readOnly = true)
    public List<String> serverNames(String endpoint) {
        return records.find(endpoint).servers().stream().map(DmServer::name).toList();
    }

    /**
     * The devices a fleet action selects: those of {@code profile} or those labelled {@code label}
     * (exactly one given), in id order after {@code afterId}.
     */
    @Transactional(readOnly = true)
    public List<SelectedDevice> select(String profile, String label, long afterId, int limit) {
        return batches.select(profile, label, afterId, limit);
    }

    /** How many devices {@link #select} would go through. */
    @Transactional(readOnly = true)
    public long countSelected(String profile, String label) {
        return batches.count(profile, label);
    }
}
