package io.lwm2m.provisioning.bootstrap.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/**
 * Bootstrap-Discover answers as clients in the field send them (captured on the wire, LWM2M-FACTS
 * "What real clients send"), and what the server learns from each.
 */
class DiscoveredClientTest {

    /** Eclipse Wakaama's client built for LwM2M 1.0, holding a DM account: the version as a bare token, no {@code </>}. */
    static final String WAKAAMA_1_0 = "lwm2m=1.0,</0/0>,</0/1>;ssid=123,</1/0>;ssid=123,</2>,</3/0>,</4/0>,</5/0>,</6/0>,"
            + "</7/0>,</31024/10>,</31024/11>,</31024/12>";
    /** Anjay built for LwM2M 1.0: the version quoted, its bootstrap account at /0/1. */
    static final String ANJAY_1_0 = "lwm2m=\"1.0\",</0>,</0/1>,</1>,</3/0>,</5/0>";
    /** Eclipse Wakaama's client built for LwM2M 1.1. */
    static final String WAKAAMA_1_1 = "</>;lwm2m=1.1,</0/0>,</1>;ver=1.1,</2>,</3/0>,</4/0>,</5/0>,</6/0>,</7/0>";

    @Test
    void readsTheBareVersionTokenOfAWakaama10Client() {
        DiscoveredClient client = DiscoveredClient.parse(WAKAAMA_1_0);

        assertThat(client.lwm2mVersion()).isEqualTo("1.0");
        assertThat(client.securityInstances()).containsExactly(0, 1);
        assertThat(client.bootstrapAccountId()).isZero();
        assertThat(client.instances().get(1)).containsExactly(0);
        assertThat(client.implementsObject(31024)).isTrue();
        assertThat(client.objectAtLeast(1, 1, 1)).isFalse();
    }

    @Test
    void readsTheQuotedVersionTokenOfAnAnjay10ClientAndItsBootstrapAccountAtInstanceOne() {
        DiscoveredClient client = DiscoveredClient.parse(ANJAY_1_0);

        assertThat(client.lwm2mVersion()).isEqualTo("1.0");
        assertThat(client.bootstrapAccountId()).isEqualTo(1);
        assertThat(client.securityInstances()).containsExactly(1);
    }

    @Test
    void readsTheVersionOfTheRootLinkOfA11Client() {
        DiscoveredClient client = DiscoveredClient.parse(WAKAAMA_1_1);

        assertThat(client.lwm2mVersion()).isEqualTo("1.1");
        assertThat(client.objectAtLeast(1, 1, 1)).isTrue();
        assertThat(client.bootstrapAccountId()).isZero();
    }

    @Test
    void readsTheFormOmasConformanceTestsExpect() {
        DiscoveredClient client = DiscoveredClient.parse("lwm2m=\"1.0\",</0/0>;ssid=1,</0/1>,</1/0>;ssid=1");

        assertThat(client.lwm2mVersion()).isEqualTo("1.0");
        assertThat(client.bootstrapAccountId()).isEqualTo(1);
    }

    @Test
    void toleratesWhitespaceAroundTheVersionTokenAndBetweenLinks() {
        DiscoveredClient client = DiscoveredClient.parse("  lwm2m = \"1.0\" ,\r\n </0/0> , </0/4>;ssid=9 ");

        assertThat(client.lwm2mVersion()).isEqualTo("1.0");
        assertThat(client.bootstrapAccountId()).isZero();
        assertThat(client.securityInstances()).containsExactly(0, 4);
    }

    @Test
    void toleratesAnyAttributeOrderAndUnknownAttributes() {
        DiscoveredClient client = DiscoveredClient.parse(
                "</>;rt=\"oma.lwm2m\";lwm2m=1.1;ct=\"60 110 112 11542\",</0/0>;foo=bar;uri=\"coaps://bs\",</0/2>;uri=\"coaps://dm\";ssid=3");

        assertThat(client.lwm2mVersion()).isEqualTo("1.1");
        assertThat(client.bootstrapAccountId()).isZero();
        assertThat(client.bootstrapAccountUri()).isEqualTo("coaps://bs");
    }

    @Test
    void takesTheRootLinksVersionOverALeadingToken() {
        assertThat(DiscoveredClient.parse("lwm2m=1.0,</>;lwm2m=1.1,</0/0>").lwm2mVersion()).isEqualTo("1.1");
    }

    @Test
    void readsAnEmptyAnswerAsAClientThatListsNothing() {
        DiscoveredClient client = DiscoveredClient.parse("");

        assertThat(client.lwm2mVersion()).isNull();
        assertThat(client.securityInstances()).isEmpty();
        assertThat(client.bootstrapAccountId()).isNull();
    }

    @Test
    void readsAVersionTokenAlone() {
        DiscoveredClient client = DiscoveredClient.parse("lwm2m=1.0");

        assertThat(client.lwm2mVersion()).isEqualTo("1.0");
        assertThat(client.securityInstances()).isEmpty();
    }

    @Test
    void skipsLinksThatNameNoLwm2mObject() {
        DiscoveredClient client = DiscoveredClient.parse("</.well-known/core>,</rd>;rt=x,</0/0>");

        assertThat(client.objectVersions()).containsOnlyKeys(0);
    }

    @Test
    void readsTenThousandInstances() {
        StringBuilder body = new StringBuilder("</>;lwm2m=1.1,</0/0>");
        for (int i = 1; i <= 10_000; i++) {
            body.append(",</0/").append(i).append(">;ssid=").append(i % 65534 + 1);
        }

        DiscoveredClient client = DiscoveredClient.parse(body.toString());

        assertThat(client.securityInstances()).hasSize(10_001);
        assertThat(client.bootstrapAccountId()).isZero();
    }

    @Test
    void refusesGarbage() {
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("\u0000\u0001garbage"));
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("lwm2m=1.0,garbage"));
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("lwm2m=1.0,"));
    }

    @Test
    void refusesAVersionThatIsNotMajorDotMinor() {
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("lwm2m=one,</0/0>"))
                .withMessageContaining("not MAJOR.MINOR");
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("</>;lwm2m=\"1.x\",</0/0>"))
                .withMessageContaining("not MAJOR.MINOR");
    }

    @Test
    void refusesIdsBeyondTheirRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("</0/65536>"))
                .withMessageContaining("out of range");
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("</99999999999/0>"))
                .withMessageContaining("out of range");
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("</0/x>"))
                .withMessageContaining("not an LwM2M path");
    }

    @Test
    void quotesNoMoreThanAShortPrintableExcerptOfTheClientsText() {
        assertThatIllegalArgumentException().isThrownBy(() -> DiscoveredClient.parse("lwm2m=\u0007" + "9".repeat(500)))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120).doesNotContain("\u0007"));
    }
}
