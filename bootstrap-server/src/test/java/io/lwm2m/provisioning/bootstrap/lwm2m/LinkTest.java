package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CoRE link-format (RFC 6690) as Bootstrap-Discover answers carry it. */
class LinkTest {

    @Test
    void parsesTheBootstrapDiscoverAnswerOfALeshanClientHoldingOnlyItsBootstrapAccount() {
        List<Link> links = Link.parse(
                "</>;lwm2m=1.0,</0>;ver=1.2,</0/0>;uri=\"coaps://127.0.0.1:5684\",</1>,</3>;ver=1.2,</3/0>");

        assertThat(links).containsExactly(
                new Link("/", Map.of("lwm2m", "1.0")),
                new Link("/0", Map.of("ver", "1.2")),
                new Link("/0/0", Map.of("uri", "coaps://127.0.0.1:5684")),
                new Link("/1", Map.of()),
                new Link("/3", Map.of("ver", "1.2")),
                new Link("/3/0", Map.of()));
    }

    @Test
    void parsesSeveralAttributesOfOneLinkWithTheQuotesRemoved() {
        List<Link> links = Link.parse("</0/1>;ssid=123;uri=\"coaps://127.0.0.1:5684\"");

        assertThat(links).hasSize(1);
        assertThat(links.get(0).target()).isEqualTo("/0/1");
        assertThat(links.get(0).attributes()).containsOnly(entry("ssid", "123"), entry("uri", "coaps://127.0.0.1:5684"));
    }

    @Test
    void keepsCommasAndSemicolonsInsideQuotedValues() {
        List<Link> links = Link.parse("</0/0>;uri=\"coap://h/a,b;c\";ssid=1,</0/1>;title=\";,\"");

        assertThat(links).containsExactly(
                new Link("/0/0", Map.of("uri", "coap://h/a,b;c", "ssid", "1")),
                new Link("/0/1", Map.of("title", ";,")));
    }

    @Test
    void toleratesWhitespaceBetweenLinksAndAroundUnquotedValues() {
        List<Link> links = Link.parse("  </0/0>;ssid= 1 ,\n\t</0/1>;ssid=2  ,  </1/0>  ");

        assertThat(links).containsExactly(
                new Link("/0/0", Map.of("ssid", "1")),
                new Link("/0/1", Map.of("ssid", "2")),
                new Link("/1/0", Map.of()));
    }

    @Test
    void mapsAnAttributeWithoutValueToTheEmptyString() {
        List<Link> links = Link.parse("</3/0>;obs;ver=1.1,</4>;obs");

        assertThat(links).containsExactly(
                new Link("/3/0", Map.of("obs", "", "ver", "1.1")),
                new Link("/4", Map.of("obs", "")));
    }

    @Test
    void keepsAnEmptyQuotedValueEmpty() {
        assertThat(Link.parse("</0/0>;uri=\"\"").get(0).attributes()).containsOnly(entry("uri", ""));
    }

    @Test
    void parsesAnEmptyOrBlankBodyAsNoLinks() {
        assertThat(Link.parse("")).isEmpty();
        assertThat(Link.parse("  \n")).isEmpty();
    }

    @Test
    void rejectsALinkThatDoesNotStartWithAngleBracket() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse("/0/0>;ssid=1"))
                .withMessageContaining("expected '<'");
    }

    @Test
    void rejectsATargetWithoutClosingAngleBracket() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse("</0/0;ssid=1"))
                .withMessageContaining("unterminated '<'");
    }

    @Test
    void rejectsAnUnterminatedQuotedValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse("</0/0>;uri=\"coaps://x,</0/1>"))
                .withMessageContaining("unterminated quoted value of uri");
    }

    @Test
    void rejectsGarbageAfterALink() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse("</0/0> </0/1>"))
                .withMessageContaining("expected ','");
    }

    @Test
    void rejectsPlainTextThatIsNotLinkFormat() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse("hello"));
    }

    @Test
    void rejectsALoneSeparator() {
        assertThatIllegalArgumentException().isThrownBy(() -> Link.parse(","))
                .withMessageContaining("expected '<'");
    }

    @Test
    void returnsImmutableAttributes() {
        Link link = Link.parse("</0/0>;ssid=1").get(0);

        assertThat(link.attributes()).isUnmodifiable();
    }

    @Test
    void unescapesBackslashedCharactersInQuotedValues() {
        List<Link> links = Link.parse("</0/0>;title=\"a\\\"b\",</0/1>");
        assertThat(links).hasSize(2);
        assertThat(links.get(0).attributes().get("title")).isEqualTo("a\"b");
    }
}
