package io.lwm2m.provisioning.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InertTest {

    private final Inert inert = new Inert();

    @Test
    void bidirectionalAndControlCharactersBecomeVisibleCodePoints() {
        assertThat(inert.text("abc\u202Edef")).isEqualTo("abc[U+202E]def");
        assertThat(inert.text("\u2066x\u2069")).isEqualTo("[U+2066]x[U+2069]");
        assertThat(inert.text("a\u0000b\u001Bc\u0085")).isEqualTo("a[U+0000]b[U+001B]c[U+0085]");
        assertThat(inert.text("line\nbreak")).isEqualTo("line[U+000A]break");
    }

    @Test
    void markupIsLeftToTheTemplatesEscapingAndOrdinaryTextIsUntouched() {
        assertThat(inert.text("<script>alert(1)</script>")).isEqualTo("<script>alert(1)</script>");
        assertThat(inert.text("urn:imei:356938035643809")).isEqualTo("urn:imei:356938035643809");
        assertThat(inert.text("Zürich 東京 \uD83D\uDE00")).isEqualTo("Zürich 東京 \uD83D\uDE00");
        assertThat(inert.text(null)).isEmpty();
    }

    @Test
    void aBlockOfLinesKeepsItsLineBreaksAndNothingElseHidden() {
        assertThat(inert.lines("{\n  \"a\": 1\n}")).isEqualTo("{\n  \"a\": 1\n}");
        assertThat(inert.lines("x\u202Ey\r\nz\t")).isEqualTo("x[U+202E]y[U+000D]\nz[U+0009]");
        assertThat(inert.lines(null)).isEmpty();
    }

    @Test
    void anUnpairedSurrogateIsShownAsItsCodePoint() {
        assertThat(inert.text("a\uD800b")).isEqualTo("a[U+D800]b");
        assertThat(inert.text("a\uDC00")).isEqualTo("a[U+DC00]");
    }
}
