package io.lwm2m.provisioning.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's configuration tables against the configuration metadata the settings records generate
 * (issue 18): every {@code provisioning.*} setting is documented, every documented one exists, and a
 * default the README states is the one the code has.
 */
class ConfigurationTableTest {

    /** A table row: {@code | `provisioning.a.b`, `.c` | `1`, `2` | what it does |}. */
    private static final Pattern ROW = Pattern.compile("^\\| (`provisioning\\.[^|]+) \\| ([^|]*) \\|");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    private static Map<String, JsonNode> metadata;
    private static Map<String, String> documented;

    @BeforeAll
    static void read() throws IOException {
        metadata = metadata();
        documented = readmeRows(Files.readAllLines(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md")));
        assertThat(metadata).as("generated configuration metadata of the modules").hasSizeGreaterThan(50);
        assertThat(documented).as("configuration rows in the README").hasSizeGreaterThan(50);
    }

    @Test
    void everySettingIsDocumented() {
        assertThat(metadata.keySet().stream().filter(name -> !documented.containsKey(name)).toList())
                .as("settings missing from the README's tables").isEmpty();
    }

    @Test
    void everyDocumentedSettingExists() {
        assertThat(documented.keySet().stream().filter(name -> !metadata.containsKey(name)).toList())
                .as("README rows naming no setting (renamed or removed?)").isEmpty();
    }

    @Test
    void theReadmeStatesTheDefaultsTheCodeHas() {
        List<String> wrong = new ArrayList<>();
        documented.forEach((name, readmeDefault) -> {
            JsonNode setting = metadata.get(name);
            if (setting == null || readmeDefault == null) {
                return; // named by everyDocumentedSettingExists, or a default in words (derived from another setting)
            }
            JsonNode value = setting.get("defaultValue");
            String actual = value == null || value.isNull() || (value.isArray() && value.isEmpty()) ? "" : value.isArray()
                    ? String.join(",", value.valueStream().map(JsonNode::asString).toList()) : value.asString();
            if (!actual.equals(readmeDefault)) {
                wrong.add(name + ": README says '" + readmeDefault + "', the code '" + actual + "'");
            }
        });
        assertThat(wrong).as("defaults").isEmpty();
    }

    /** Every {@code provisioning.*} property of every module's metadata, by name. */
    private static Map<String, JsonNode> metadata() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, JsonNode> properties = new TreeMap<>();
        for (String file : List.of("META-INF/spring-configuration-metadata.json", "META-INF/additional-spring-configuration-metadata.json")) {
            for (URL url : Collections.list(ConfigurationTableTest.class.getClassLoader().getResources(file))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.get("name").asString();
                        if (name.startsWith("provisioning.")) {
                            properties.put(name, property);
                        }
                    }
                }
            }
        }
        return properties;
    }

    /**
     * Each documented name with its default as the README states it: "" for "(empty)" or "(unset)",
     * null when it is words rather than literal values (such as another setting's name).
     */
    static Map<String, String> readmeRows(List<String> lines) {
        Map<String, String> rows = new TreeMap<>();
        for (String line : lines) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) {
                continue;
            }
            List<String> names = codes(row.group(1));
            String first = names.get(0);
            String prefix = first.substring(0, first.lastIndexOf('.'));
            List<String> defaults = defaults(row.group(2).trim(), names.size());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).startsWith(".") ? prefix + names.get(i) : names.get(i);
                rows.put(name, defaults == null ? null : defaults.get(i));
            }
        }
        return rows;
    }

    private static List<String> defaults(String cell, int count) {
        if (cell.equals("(empty)") || cell.equals("(unset)")) {
            return Collections.nCopies(count, "");
        }
        List<String> values = codes(cell);
        String literal = String.join(", ", values.stream().map(v -> "`" + v + "`").toList());
        if (values.size() != count || !literal.equals(cell) || values.stream().anyMatch(v -> v.startsWith("provisioning."))) {
            return null;
        }
        return values;
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher code = CODE.matcher(cell);
        while (code.find()) {
            codes.add(code.group(1));
        }
        return codes;
    }
}
