package io.lwm2m.provisioning.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/** The samples of a Prometheus text exposition: {@code name{labels}} exactly as printed → value. */
final class Prometheus {

    private Prometheus() {
    }

    static Map<String, Double> parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String value = line.substring(space + 1);
            samples.put(line.substring(0, space).trim(), switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                case "NaN" -> Double.NaN;
                default -> Double.parseDouble(value);
            });
        }
        return samples;
    }

    /** The value of the sample of {@code name} with exactly these labels (in the exposition's sorted order), or null. */
    static Double value(Map<String, Double> samples, String name, String... labelPairs) {
        StringBuilder key = new StringBuilder(name);
        if (labelPairs.length > 0) {
            key.append('{');
            for (int i = 0; i < labelPairs.length; i += 2) {
                key.append(i == 0 ? "" : ",").append(labelPairs[i]).append("=\"").append(labelPairs[i + 1]).append('"');
            }
            key.append('}');
        }
        return samples.get(key.toString());
    }
}
