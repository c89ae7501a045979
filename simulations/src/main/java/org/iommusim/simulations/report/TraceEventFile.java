package org.iommusim.simulations.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run's timeline in the Chrome trace event format (the JSON object form,
 * {@code {"traceEvents": [...]}}) that Perfetto and chrome://tracing open.
 * Events are written as they come, one a line, so a long run's timeline
 * costs disk, not memory; the caller hands them over in time order.
 * Timestamps are microseconds with nanosecond fractions (the format's unit).
 */
public final class TraceEventFile implements Closeable {
    private final BufferedWriter out;
    private boolean first = true;
    private long events;

    private TraceEventFile(BufferedWriter out) {
        this.out = out;
    }

    /** Creates (or replaces) {@code file}; {@code about} goes into {@code otherData}. */
    public static TraceEventFile create(Path file, Map<String, String> about) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        TraceEventFile f = new TraceEventFile(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder("{\"displayTimeUnit\":\"ns\",\"otherData\":{");
        boolean firstField = true;
        for (Map.Entry<String, String> e : about.entrySet()) {
            sb.append(firstField ? "" : ",");
            org.iommusim.simulations.json.JsonText.quote(sb, e.getKey());
            sb.append(':');
            org.iommusim.simulations.json.JsonText.quote(sb, e.getValue());
            firstField = false;
        }
        f.write(sb.append("},\n\"traceEvents\":[\n").toString());
        return f;
    }

    /** Names process {@code pid} or, with {@code tid} >= 0, its thread (a track): a metadata event. */
    public void name(int pid, int tid, String name) {
        StringBuilder sb = start(tid < 0 ? "process_name" : "thread_name", "M", 0, pid, Math.max(0, tid));
        event(sb.append(",\"args\":{\"name\":").append(quoted(name)).append("}}"));
    }

    /** A span ("complete" event) from {@code startNs} lasting {@code durNs}. */
    public void span(int pid, int tid, String name, String category, long startNs, long durNs, String detail) {
        StringBuilder sb = start(name, "X", startNs, pid, tid).append(",\"cat\":").append(quoted(category))
                .append(",\"dur\":").append(micros(durNs));
        event(args(sb, detail).append('}'));
    }

    /** An instant event at {@code atNs}; global ones draw a line across every track. */
    public void instant(int pid, int tid, String name, String category, long atNs, boolean global, String detail) {
        StringBuilder sb = start(name, "i", atNs, pid, tid).append(",\"cat\":").append(quoted(category))
                .append(",\"s\":\"").append(global ? 'g' : 't').append('"');
        event(args(sb, detail).append('}'));
    }

    /** Events written so far. */
    public long events() {
        return events;
    }

    @Override
    public void close() throws IOException {
        out.write("\n]}\n");
        out.close();
    }

    private static StringBuilder start(String name, String phase, long atNs, int pid, int tid) {
        return new StringBuilder(160).append("{\"name\":").append(quoted(name)).append(",\"ph\":\"").append(phase)
                .append("\",\"ts\":").append(micros(atNs)).append(",\"pid\":").append(pid).append(",\"tid\":")
                .append(tid);
    }

    private static StringBuilder args(StringBuilder sb, String detail) {
        return detail == null ? sb : sb.append(",\"args\":{\"detail\":").append(quoted(detail)).append('}');
    }

    /** Nanoseconds as the format's microseconds, exactly: {@code 1234} is {@code 1.234}. */
    static String micros(long ns) {
        String sign = ns < 0 ? "-" : "";
        long a = Math.abs(ns);
        long frac = a % 1000;
        return sign + (a / 1000) + (frac == 0 ? "" : "." + String.format(java.util.Locale.ROOT, "%03d", frac)
                .replaceAll("0+$", ""));
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        org.iommusim.simulations.json.JsonText.quote(sb, s);
        return sb.toString();
    }

    private void event(CharSequence json) {
        try {
            if (!first) {
                out.write(",\n");
            }
            out.append(json);
            first = false;
            events++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the timeline", e);
        }
    }

    private void write(String s) throws IOException {
        out.write(s);
    }
}
