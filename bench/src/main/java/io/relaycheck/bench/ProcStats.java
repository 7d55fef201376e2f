package io.relaycheck.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Readings of a Linux process from /proc: memory, CPU time, open file descriptors. */
final class ProcStats {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private ProcStats() {
    }

    /** A field of /proc/PID/status in KiB (VmRSS, VmHWM…), or -1. */
    static long statusKiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User plus system CPU time of the process (all its threads), in milliseconds, or -1. */
    static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name in parentheses, which may contain spaces.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Busy CPU time of the whole machine (all cores, everything but idle and iowait), in ms, or -1. */
    static long machineBusyMs() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal …"
            String[] f = cpu.strip().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Open file descriptors (sockets included), or -1. */
    static int openFds(long pid) {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return n;
    }

    /** The soft limit on open files of the process ("Max open files"), or -1. */
    static long maxOpenFiles(long pid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/limits"));
            for (String l : lines) {
                if (l.startsWith("Max open files")) {
                    return Long.parseLong(l.substring("Max open files".length()).strip().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
