package io.relaycheck.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the service's {@code -Xlog:gc:file=…} log from a given offset: every pause line says the
 * heap occupancy before and after it ("Pause Young (Normal) (G1 Evacuation Pause) 120M->31M(256M)
 * 4.2ms"). The largest "before" is the peak heap in use in that window, garbage included (it
 * grows with the heap cap); the largest "after" is the most the service still held right after a
 * collection: the live set in flight, near enough (a young pause leaves old garbage in place).
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile(
            "(Pause [A-Za-z ]+?|Concurrent [A-Za-z ]+?)(?: \\([^)]*\\))* (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)(?: ([0-9.]+)ms)?");

    record Window(long peakBeforeKiB, long peakAfterKiB, long committedKiB, int pauses, int fullGcs, double pauseMs, long endOffset) {
    }

    private GcLog() {
    }

    static long size(Path file) {
        return file.toFile().length();
    }

    static Window read(Path file, long fromOffset) throws IOException {
        long peak = 0;
        long peakAfter = 0;
        long committed = 0;
        int pauses = 0;
        int full = 0;
        double pauseMs = 0;
        long end;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            end = raf.length();
            raf.seek(Math.min(fromOffset, end));
            byte[] bytes = new byte[(int) (end - Math.min(fromOffset, end))];
            raf.readFully(bytes);
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                Matcher m = PAUSE.matcher(line);
                if (!m.find()) {
                    continue;
                }
                peak = Math.max(peak, kib(m.group(2), m.group(3)));
                committed = Math.max(committed, kib(m.group(6), m.group(7)));
                if (m.group(1).startsWith("Pause")) {
                    peakAfter = Math.max(peakAfter, kib(m.group(4), m.group(5)));
                }
                if (m.group(1).startsWith("Pause")) {
                    pauses++;
                    if (m.group(1).startsWith("Pause Full")) {
                        full++;
                    }
                    if (m.group(8) != null) {
                        pauseMs += Double.parseDouble(m.group(8));
                    }
                }
            }
        }
        return new Window(peak, peakAfter, committed, pauses, full, pauseMs, end);
    }

    static long kib(String n, String unit) {
        long v = Long.parseLong(n);
        return switch (unit) {
            case "G" -> v * 1024 * 1024;
            case "M" -> v * 1024;
            default -> v;
        };
    }
}
