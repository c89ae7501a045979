package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;

/**
 * Every event of a journal in the model's causal order: by the global
 * sequence number each was stamped with when it was decided (one cursor per
 * entity, merged), each with its entity's state just before it (one
 * {@link Timeline} per entity). A journal written before stamps has no such
 * order: its events come entity by entity, and {@link #noteIfUnstamped} says
 * so.
 */
final class CausalOrder implements AutoCloseable {
    static final String UNSTAMPED_NOTE = "note: this journal was written before events carried causal stamps"
            + " (global sequence numbers): entities are aligned by write time (Pekko's millisecond timestamps, a"
            + " tie counting as before), which cannot order events written in the same millisecond";

    /** One event and the state of its entity just before it. */
    record Step(JournalEvent event, Object before) {}

    private static final class Head {
        final EventCursor cursor;
        final Timeline timeline;
        final int order;
        Step step;

        Head(EventCursor cursor, Timeline timeline, int order) {
            this.cursor = cursor;
            this.timeline = timeline;
            this.order = order;
        }

        boolean advance() {
            if (!cursor.hasNext()) {
                step = null;
                return false;
            }
            JournalEvent e = cursor.next();
            step = new Step(e, timeline.before(e));
            return true;
        }

        long gsn() {
            // an unstamped event (an older journal continued by a newer model) was decided before every stamped one
            return step.event().stamped() ? step.event().stamp().gsn() : 0;
        }
    }

    private final List<Head> heads = new ArrayList<>();
    private final PriorityQueue<Head> queue = new PriorityQueue<>(Comparator.comparingLong(Head::gsn)
            .thenComparingInt(h -> h.order).thenComparingLong(h -> h.step.event().sequenceNr()));

    CausalOrder(JournalReader reader, EventRenderers renderers) {
        int order = 0;
        for (String pid : reader.persistenceIds()) {
            Head h = new Head(reader.events(pid, 1, Long.MAX_VALUE), new Timeline(renderers), order++);
            heads.add(h);
            if (h.advance()) {
                queue.add(h);
            }
        }
    }

    /** Whether every event carries a stamp, so that this order is the causal one. */
    static boolean stamped(JournalReader reader) {
        return reader.findings().causal();
    }

    /** Prints {@link #UNSTAMPED_NOTE} on {@code err} for a journal without stamps; true if it did. */
    static boolean noteIfUnstamped(JournalReader reader, PrintWriter err) {
        if (stamped(reader)) {
            return false;
        }
        err.println(UNSTAMPED_NOTE);
        err.flush();
        return true;
    }

    /** The next event in causal order, or null at the end. */
    Step next() {
        Head h = queue.poll();
        if (h == null) {
            return null;
        }
        Step s = h.step;
        if (h.advance()) {
            queue.add(h);
        }
        return s;
    }

    /** {@code g=<gsn> t=<ns>ns } ahead of an event's line (nothing for an unstamped event). */
    static String prefix(JournalEvent e) {
        return e.stamped() ? e.stamp().text() + " " : "";
    }

    @Override
    public void close() {
        heads.forEach(h -> h.cursor.close());
    }
}
