package io.lwm2m.provisioning.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The build's last word on skipped tests (run by the src module in {@code verify}, the reactor's last
 * module): how many tests were skipped because a tool is missing, by tool, from the records the test
 * JVMs of every module wrote. Prints "Tests skipped because a tool is missing: none" when there are none.
 */
public final class ToolSkipsReport {

    private ToolSkipsReport() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(summary(SkipRecords.read(Path.of(args[0]))));
    }

    static String summary(List<SkipRecords.Skip> skips) {
        if (skips.isEmpty()) {
            return "Tests skipped because a tool is missing: none";
        }
        Map<String, List<SkipRecords.Skip>> byTool = skips.stream()
                .collect(Collectors.groupingBy(SkipRecords.Skip::summaryName, TreeMap::new, Collectors.toList()));
        StringBuilder summary = new StringBuilder("Tests skipped because a tool is missing: ").append(skips.size());
        byTool.forEach((tool, ofTool) -> summary.append("\n  skipped: ").append(ofTool.size()).append(", because ")
                .append(ofTool.get(0).message()));
        return summary.append("\n  (").append(ToolCheck.REQUIRE_ALL_ENV).append("=1 makes them failures; .ci/run sets it)")
                .toString();
    }
}
