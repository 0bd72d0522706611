package io.lwm2m.provisioning.bootstrap.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.minidev.json.JSONArray;
import net.minidev.json.JSONObject;
import net.minidev.json.parser.JSONParser;
import net.minidev.json.parser.ParseException;
import org.junit.jupiter.api.Test;
import org.skyscreamer.jsonassert.JSONAssert;
import org.skyscreamer.jsonassert.JSONCompareMode;

/**
 * SenML-JSON (RFC 8428) as LwM2M 1.1 profiles it. Jackson is not on this module's test classpath;
 * the output is checked structurally with JSONAssert and parsed with json-smart in strict RFC 4627
 * mode (both come with spring-boot-starter-test).
 */
class SenmlJsonEncoderTest {

    private final SenmlJsonEncoder encoder = new SenmlJsonEncoder();

    @Test
    void declaresTheSenmlJsonContentFormat() {
        assertThat(encoder.contentFormat()).isEqualTo(110);
    }

    @Test
    void writesOneRecordPerResourceWithTheBaseNameOnTheFirstOnly() throws Exception {
        String json = json(encoder.encode(new ObjectInstance(0, 1, List.of(
                Resource.string(0, "coaps://dm.example:5684"),
                Resource.bool(1, false),
                Resource.integer(2, 0),
                Resource.opaque(3, new byte[] {'i', 'd'}),
                Resource.integer(10, 101)))));

        JSONAssert.assertEquals("""
                [{"bn":"/0/1/","n":"0","vs":"coaps://dm.example:5684"},
                 {"n":"1","vb":false},
                 {"n":"2","v":0},
                 {"n":"3","vd":"aWQ"},
                 {"n":"10","v":101}]
                """, json, JSONCompareMode.STRICT);
    }

    @Test
    void writesCompactJsonWithoutWhitespace() {
        String json = json(encoder.encode(new ObjectInstance(1, 0, List.of(Resource.integer(1, 300), Resource.bool(6, true)))));

        assertThat(json).isEqualTo("[{\"bn\":\"/1/0/\",\"n\":\"1\",\"v\":300},{\"n\":\"6\",\"vb\":true}]");
    }

    @Test
    void writesNegativeAndLargeIntegersAsJsonNumbers() throws Exception {
        JSONArray records = parse(encoder.encode(new ObjectInstance(1, 0, List.of(
                Resource.integer(1, -42), Resource.integer(2, Long.MAX_VALUE)))));

        assertThat(((Number) record(records, 0).get("v")).longValue()).isEqualTo(-42);
        assertThat(((Number) record(records, 1).get("v")).longValue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void encodesOpaqueValuesAsBase64UrlWithoutPadding() throws Exception {
        // 0xFB 0xFF 0xBF: standard base64 "+/+/" style characters, base64url "-_"; 4 bytes need padding in plain base64.
        byte[] key = {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF, 0x01};

        JSONArray records = parse(encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(5, key)))));

        String vd = (String) record(records, 0).get("vd");
        assertThat(vd).isEqualTo("-_-_AQ");
        assertThat(Base64.getUrlDecoder().decode(vd)).isEqualTo(key);
    }

    @Test
    void encodesAnEmptyOpaqueValueAsAnEmptyString() throws Exception {
        JSONArray records = parse(encoder.encode(new ObjectInstance(0, 0, List.of(Resource.opaque(4, new byte[0])))));

        assertThat(record(records, 0)).containsEntry("vd", "");
    }

    @Test
    void escapesQuotesAndBackslashesInStrings() throws Exception {
        String value = "a\"b\\c";

        byte[] out = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.string(7, value))));

        assertThat(json(out)).contains("\"vs\":\"a\\\"b\\\\c\"");
        assertThat(record(parse(out), 0)).containsEntry("vs", value);
    }

    @Test
    void escapesControlCharactersInStrings() throws Exception {
        String value = "l1\nl2\r\t\u0000\u0001\u001f";

        byte[] out = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.string(7, value))));

        assertThat(json(out)).contains("\"vs\":\"l1\\nl2\\r\\t\\u0000\\u0001\\u001f\"");
        assertThat(json(out).chars().filter(c -> c < 0x20)).isEmpty();
        assertThat(record(parse(out), 0)).containsEntry("vs", value);
    }

    @Test
    void writesNonAsciiStringsAsUtf8() throws Exception {
        byte[] out = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.string(7, "Ü€"))));

        assertThat(record(parse(out), 0)).containsEntry("vs", "Ü€");
    }

    @Test
    void escapesBackspaceAndFormFeedWithTheirShortJsonEscapes() throws Exception {
        String value = "a\bb\fc";

        byte[] out = encoder.encode(new ObjectInstance(1, 0, List.of(Resource.string(7, value))));

        assertThat(json(out)).contains("\"vs\":\"a\\bb\\fc\"");
        assertThat(record(parse(out), 0)).containsEntry("vs", value);
    }

    @Test
    void writesAPackByteForByteAsBefore() {
        byte[] out = encoder.encodePack(List.of(new ObjectInstance(0, 1, List.of(Resource.string(0, "coaps://dm:5684"),
                Resource.opaque(5, new byte[] {(byte) 0xFB, (byte) 0xFF}))), new ObjectInstance(2, 0, List.of(
                Resource.integers(2, Map.of(101, 1L, 0, 15L))))));

        assertThat(json(out)).isEqualTo("[{\"bn\":\"/\",\"n\":\"0/1/0\",\"vs\":\"coaps://dm:5684\"},"
                + "{\"n\":\"0/1/5\",\"vd\":\"-_8\"},{\"n\":\"2/0/2/0\",\"v\":15},{\"n\":\"2/0/2/101\",\"v\":1}]");
    }

    private static String json(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static JSONArray parse(byte[] utf8) throws ParseException {
        Object parsed = new JSONParser(JSONParser.MODE_RFC4627).parse(json(utf8));
        assertThat(parsed).isInstanceOf(JSONArray.class);
        return (JSONArray) parsed;
    }

    private static Map<String, Object> record(JSONArray records, int index) {
        return (JSONObject) records.get(index);
    }
}
