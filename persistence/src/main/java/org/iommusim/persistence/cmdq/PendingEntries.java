package org.iommusim.persistence.cmdq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommusim.protocol.command.RawCommand;

/**
 * The entries between the consumer and producer indexes, immutable: a list
 * of submitted chunks (shared between versions) and an offset into the
 * first, so accepting or consuming a batch copies only chunk references.
 */
public final class PendingEntries {
    public static final PendingEntries EMPTY = new PendingEntries(List.of(), 0, 0);

    private final List<RawCommand[]> chunks;
    private final int offset;
    private final int size;

    private PendingEntries(List<RawCommand[]> chunks, int offset, int size) {
        this.chunks = chunks;
        this.offset = offset;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public RawCommand get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        int k = i + offset;
        // by index, not an iterator: the consumer reads every entry of a batch through here
        for (int j = 0, n = chunks.size(); j < n; j++) {
            RawCommand[] c = chunks.get(j);
            if (k < c.length) {
                return c[k];
            }
            k -= c.length;
        }
        throw new IllegalStateException("pending entries out of step");
    }

    public PendingEntries append(List<RawCommand> entries) {
        if (entries.isEmpty()) {
            return this;
        }
        List<RawCommand[]> next = new ArrayList<>(chunks);
        next.add(entries.toArray(new RawCommand[0]));
        return new PendingEntries(Collections.unmodifiableList(next), offset, size + entries.size());
    }

    public PendingEntries drop(int n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("cannot drop " + n + " of " + size);
        }
        List<RawCommand[]> next = new ArrayList<>(chunks);
        int off = offset + n;
        while (!next.isEmpty() && off >= next.get(0).length) {
            off -= next.remove(0).length;
        }
        return new PendingEntries(Collections.unmodifiableList(next), next.isEmpty() ? 0 : off, size - n);
    }

    /** The head entry replaced (Linux overwrites an ILL entry with a CMD_SYNC before acknowledging). */
    public PendingEntries replaceHead(RawCommand replacement) {
        List<RawCommand> all = toList();
        all.set(0, replacement);
        return EMPTY.append(all);
    }

    public List<RawCommand> toList() {
        List<RawCommand> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingEntries p && p.size == size && p.toList().equals(toList());
    }

    @Override
    public int hashCode() {
        return toList().hashCode();
    }

    @Override
    public String toString() {
        return "PendingEntries" + toList();
    }
}
