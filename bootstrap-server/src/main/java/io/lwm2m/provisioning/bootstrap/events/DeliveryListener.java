package io.lwm2m.provisioning.bootstrap.events;

import java.time.Duration;

/** What happens to deliveries, for whoever counts it (metrics). Called on delivery threads; must not throw. */
public interface DeliveryListener {

    /**
     * One attempt ended.
     *
     * @param outcome {@code delivered}, {@code failed} (it will be tried again) or {@code dead} (given up)
     * @param took    how long the receiver took (or the attempt waited)
     */
    void attempted(String outcome, Duration took);
}
