package io.lwm2m.provisioning.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * CPU time from the OS ({@code /proc}), in clock ticks: the server JVM, its PostgreSQL processes,
 * this load generator, and the whole machine.
 *
 * <p>The PostgreSQL postmaster is reparented to init once {@code pg_ctl} exits, so it is found by its
 * command line ({@code -D <data-dir>/...}); every descendant of it (backends, walwriter, ...) counts,
 * and so does every descendant of the server JVM. For each process the sample takes
 * {@code utime + stime + cutime + cstime}: a backend that exits during the window is then still
 * counted, in its parent's {@code cutime/cstime} once reaped.
 */
final class ProcCpu {

    /** {@code getconf CLK_TCK}; 100 on practically every Linux. */
    static final long HZ = clockTicks();

    private ProcCpu() {
    }

    /** One sample; all CPU figures in ticks. */
    record Sample(long wallNanos, long javaTicks, long postgresTicks, int postgresProcesses, long selfTicks,
            long machineBusyTicks, long machineTotalTicks, int serverThreads) {

        Sample minus(Sample before) {
            return new Sample(wallNanos - before.wallNanos, javaTicks - before.javaTicks, postgresTicks - before.postgresTicks,
                    postgresProcesses, selfTicks - before.selfTicks, machineBusyTicks - before.machineBusyTicks,
                    machineTotalTicks - before.machineTotalTicks, serverThreads);
        }
    }

    private record Proc(long pid, long ppid, long ownTicks, long childTicks) {
    }

    /** CPU ticks of each thread of a process, by thread id, with the thread's name ({@code comm}). */
    record ThreadTicks(String name, long ticks) {
    }

    static Map<Long, ThreadTicks> threadTicks(long pid) {
        Map<Long, ThreadTicks> threads = new HashMap<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path dir : dirs) {
                try {
                    String s = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
                    int open = s.indexOf('(');
                    int close = s.lastIndexOf(')');
                    String[] f = s.substring(close + 2).trim().split(" ");
                    threads.put(Long.parseLong(dir.getFileName().toString()),
                            new ThreadTicks(s.substring(open + 1, close), Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // thread ended
                }
            }
        } catch (IOException | RuntimeException e) {
            // process ended
        }
        return threads;
    }

    /**
     * Ticks per thread group between two {@link #threadTicks} samples; names are normalised (digits to N)
     * so that pools add up. Threads that ended in between are missing.
     */
    static Map<String, Long> threadDelta(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> groups = new HashMap<>();
        after.forEach((tid, t) -> {
            ThreadTicks b = before.get(tid);
            long d = t.ticks() - (b == null ? 0 : b.ticks());
            if (d > 0) {
                groups.merge(t.name().replaceAll("\\d+", "N"), d, Long::sum);
            }
        });
        return groups;
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /**
     * @param serverPid     the server JVM
     * @param dataDirMarker a string the postmaster's command line contains (the data dir)
     */
    static Sample sample(long serverPid, String dataDirMarker) {
        long wall = System.nanoTime();
        Map<Long, Proc> procs = new HashMap<>();
        Map<Long, List<Long>> children = new HashMap<>();
        List<Long> postmasters = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                Proc proc = stat(pid);
                if (proc == null) {
                    continue; // exited meanwhile
                }
                procs.put(pid, proc);
                children.computeIfAbsent(proc.ppid(), k -> new ArrayList<>()).add(pid);
                if (pid != serverPid && dataDirMarker != null) {
                    String cmd = cmdline(pid);
                    if (cmd.contains("postgres") && cmd.contains(dataDirMarker)) {
                        postmasters.add(pid);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        Proc server = procs.get(serverPid);
        long java = server == null ? 0 : server.ownTicks();
        // PostgreSQL: the postmasters' trees, plus whatever the JVM started (pg_ctl, initdb) and reaped.
        Set<Long> pg = new HashSet<>();
        Deque<Long> todo = new ArrayDeque<>(postmasters);
        todo.addAll(children.getOrDefault(serverPid, List.of()));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (pg.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        pg.remove(serverPid);
        long postgres = server == null ? 0 : server.childTicks();
        for (long pid : pg) {
            Proc p = procs.get(pid);
            if (p != null) {
                postgres += p.ownTicks() + p.childTicks();
            }
        }
        Proc self = stat(ProcessHandle.current().pid());
        long[] machine = machine();
        return new Sample(wall, java, postgres, pg.size(), self == null ? 0 : self.ownTicks(), machine[0], machine[1],
                threads(serverPid));
    }

    static double seconds(long ticks) {
        return ticks / (double) HZ;
    }

    private static Proc stat(long pid) {
        String s;
        try {
            s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        // "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'.
        int close = s.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = s.substring(close + 2).trim().split(" ");
        // f[0] = field 3 (state), so field n is f[n - 3]: ppid 4, utime 14, stime 15, cutime 16, cstime 17.
        if (f.length < 15) {
            return null;
        }
        long ppid = Long.parseLong(f[1]);
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        long cutime = Long.parseLong(f[13]);
        long cstime = Long.parseLong(f[14]);
        return new Proc(pid, ppid, utime + stime, cutime + cstime);
    }

    private static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static int threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** {busy, total} ticks of all CPUs from the first line of /proc/stat (busy = total - idle - iowait). */
    private static long[] machine() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal (guest/guest_nice are already in user/nice)
            for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            if (p.waitFor(5, TimeUnit.SECONDS)) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                return Long.parseLong(out);
            }
            p.destroyForcibly();
        } catch (IOException | RuntimeException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
