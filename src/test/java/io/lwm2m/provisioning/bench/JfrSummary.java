package io.lwm2m.provisioning.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A short CPU profile of the server from a JFR recording of the measured window: where its Java
 * threads were sampled running (jdk.ExecutionSample), by hottest method and by library on the stack.
 */
final class JfrSummary {

    /** Libraries a stack frame can belong to, first match wins; order matters (more specific first). */
    private static final Map<String, String> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("io.lwm2m.", "project code (io.lwm2m)");
        AREAS.put("org.hibernate.", "Hibernate");
        AREAS.put("org.springframework.data.", "Spring Data");
        AREAS.put("org.springframework.transaction.", "Spring transactions");
        AREAS.put("org.springframework.orm.", "Spring ORM");
        AREAS.put("com.zaxxer.hikari.", "HikariCP");
        AREAS.put("org.postgresql.", "PostgreSQL JDBC driver");
        AREAS.put("org.eclipse.californium.scandium.", "Scandium (DTLS)");
        AREAS.put("org.eclipse.californium.core.", "Californium CoAP");
        AREAS.put("org.eclipse.californium.elements.", "Californium elements (UDP, executors)");
        AREAS.put("ch.qos.logback.", "Logback (logging)");
        AREAS.put("org.slf4j.", "SLF4J");
        AREAS.put("javax.crypto.", "JCE crypto");
        AREAS.put("com.sun.crypto.", "JCE crypto");
        AREAS.put("sun.security.", "JCE crypto");
        AREAS.put("org.bouncycastle.", "Bouncy Castle");
        AREAS.put("tools.jackson.", "Jackson");
        AREAS.put("java.util.concurrent.", "java.util.concurrent");
        AREAS.put("sun.nio.", "NIO / sockets");
        AREAS.put("java.net.", "NIO / sockets");
    }

    private JfrSummary() {
    }

    static void print(Path recording, PrintStream out, int top) {
        Map<String, Integer> selfByMethod = new HashMap<>();
        Map<String, Integer> firstProjectFrame = new HashMap<>();
        Map<String, Integer> inclusiveByArea = new HashMap<>();
        Map<String, Integer> byThread = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                selfByMethod.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> areas = new LinkedHashSet<>();
                String project = null;
                for (RecordedFrame f : frames) {
                    String type = f.getMethod().getType().getName();
                    for (Map.Entry<String, String> a : AREAS.entrySet()) {
                        if (type.startsWith(a.getKey())) {
                            areas.add(a.getValue());
                            break;
                        }
                    }
                    if (project == null && type.startsWith("io.lwm2m.")) {
                        project = name(f);
                    }
                }
                areas.forEach(a -> inclusiveByArea.merge(a, 1, Integer::sum));
                firstProjectFrame.merge(project == null ? "(no project frame on the stack)" : project, 1, Integer::sum);
                String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
                byThread.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N"), 1, Integer::sum);
            }
        } catch (IOException | RuntimeException e) {
            out.println("  (could not read " + recording + ": " + e + ")");
            return;
        }
        out.printf("  %d execution samples (Java code only; time in native code, GC and the kernel is not sampled)%n", samples);
        if (samples == 0) {
            return;
        }
        section(out, "hottest methods (self)", selfByMethod, samples, top);
        section(out, "innermost project frame on the stack (inclusive)", firstProjectFrame, samples, top);
        section(out, "library on the stack (inclusive; a sample can count for several)", inclusiveByArea, samples, top);
        section(out, "thread (pool) sampled", byThread, samples, top);
    }

    private static void section(PrintStream out, String title, Map<String, Integer> counts, int total, int top) {
        out.println("  " + title + ":");
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + " [" + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + "]";
    }
}
