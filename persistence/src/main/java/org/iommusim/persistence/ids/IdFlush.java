package org.iommusim.persistence.ids;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;

/**
 * The command-queue submissions that flush released ids: one TLBI per id
 * ({@link IdKind#flush}), cut into submissions the queue can take (at most
 * Linux's 64-entry batch, at most the queue's capacity), the last one closed
 * by a CMD_SYNC. The ids are free once that sync has completed.
 */
public final class IdFlush {
    /** Linux's CMDQ_BATCH_ENTRIES. */
    public static final int BATCH_ENTRIES = 64;

    private IdFlush() {}

    public static List<List<Command>> submissions(IdKind kind, Collection<Integer> ids, int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("a command queue holds at least one entry, not " + queueCapacity);
        }
        int room = Math.min(BATCH_ENTRIES, queueCapacity);
        List<List<Command>> out = new ArrayList<>();
        List<Command> batch = new ArrayList<>();
        for (int id : ids) {
            if (batch.size() == room) {
                out.add(List.copyOf(batch));
                batch.clear();
            }
            batch.add(kind.flush(id));
        }
        if (batch.size() == room) {
            out.add(List.copyOf(batch));
            batch.clear();
        }
        batch.add(CmdSync.poll());
        out.add(List.copyOf(batch));
        return List.copyOf(out);
    }
}
