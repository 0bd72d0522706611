package io.lwm2m.provisioning.api.events;

import io.lwm2m.provisioning.bootstrap.events.EventSubscription;
import io.lwm2m.provisioning.bootstrap.events.SubscriptionSpec;
import java.util.List;

/** {@code {"name","url","types":[…],"dmServer","state"}}: a webhook subscription as the API takes it. */
record SubscriptionRequest(String name, String url, List<String> types, String dmServer, EventSubscription.State state) {

    SubscriptionSpec spec() {
        return new SubscriptionSpec(name, url, types, dmServer, state);
    }
}
