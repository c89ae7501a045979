package org.iommusim.simulations.replay;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.serialization.CausalStamp;
import org.iommusim.simulations.cli.UserError;

/**
 * A point of a recorded history, as {@code --at} names it: a global sequence
 * number ({@code 812}: everything decided up to and including event g=812),
 * or a virtual time ({@code t=112656ns}, also {@code us}, {@code ms},
 * {@code s}; bare digits are nanoseconds: everything decided up to that
 * time). Resolved against a stamped journal to a global sequence number.
 */
record CausalPoint(String text, long gsn, long nanos) {
    private static final Pattern TIME = Pattern.compile("t=(\\d+)(ns|us|ms|s)?");

    static CausalPoint parse(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = TIME.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ns" : m.group(2);
                long factor = switch (unit) {
                    case "us" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    default -> 1L;
                };
                return new CausalPoint(text, -1, Math.multiplyExact(n, factor));
            }
            long g = Long.parseLong(t.startsWith("g=") ? t.substring(2) : t);
            if (g < 0) {
                throw new NumberFormatException();
            }
            return new CausalPoint(text, g, -1);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserError(option + ": '" + text + "' is neither a global sequence number (e.g. 812) nor a"
                    + " virtual time (e.g. t=112656ns)");
        }
    }

    boolean isTime() {
        return nanos >= 0;
    }

    /**
     * The global sequence number this point names in {@code reader}'s
     * journal: itself, or for a time the last event decided at or before it
     * (0: before every event).
     */
    long resolve(JournalReader reader, String option) {
        long highest = reader.findings().highestGsn();
        if (!isTime()) {
            if (gsn > highest) {
                throw new UserError(option + " " + text + " is beyond the journal's causal order (g=0 is the start,"
                        + " g=" + highest + " the last event)");
            }
            return gsn;
        }
        long last = 0;
        boolean timed = false;
        try (EventCursor c = reader.allEvents()) {
            while (c.hasNext()) {
                CausalStamp s = c.next().stamp();
                if (s != null && s.hasTime()) {
                    timed = true;
                    if (s.virtualNanos() <= nanos) {
                        last = Math.max(last, s.gsn());
                    }
                }
            }
        }
        if (!timed) {
            throw new UserError(option + " " + text + ": this journal's run was not in virtual time (a --concurrent"
                    + " run); name a global sequence number instead");
        }
        return last;
    }

    /** The stamp of the last event at or before global sequence number {@code gsn} (null: none, the start). */
    static CausalStamp stampAt(JournalReader reader, long gsn) {
        CausalStamp best = null;
        try (EventCursor c = reader.allEvents()) {
            while (c.hasNext()) {
                JournalEvent e = c.next();
                CausalStamp s = e.stamp();
                if (s != null && s.gsn() <= gsn && (best == null || s.gsn() > best.gsn())) {
                    best = s;
                }
            }
        }
        return best;
    }

    /** {@code g=<gsn> t=<time>ns} of the point (the time of its last event, when the run had one). */
    static String describe(JournalReader reader, long gsn) {
        CausalStamp s = stampAt(reader, gsn);
        return s == null || !s.hasTime() ? "g=" + gsn : "g=" + gsn + " t=" + s.virtualNanos() + "ns";
    }
}
