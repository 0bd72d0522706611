package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

/** The sessions API seen from a test: the history is written a moment after a session ends. */
final class Sessions {

    private Sessions() {
    }

    /** The body of {@code GET /devices/{endpoint}/sessions} once it contains {@code text}; fails after 10 s. */
    static String await(TestServer server, String endpoint, String text) throws InterruptedException {
        String body = "";
        for (int i = 0; i < 100; i++) {
            body = server.call("GET", "/api/v1/devices/" + endpoint + "/sessions", null).body();
            if (body.contains(text)) {
                return body;
            }
            Thread.sleep(100);
        }
        assertThat(body).as("the sessions of " + endpoint + " after 10 s").contains(text);
        return body;
    }
}
