package org.iommusim.actors.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.iommusim.protocol.config.Ste;

/**
 * What one trial's ledger says the model must hold after a restart. The
 * operation the child was killed in may or may not have taken effect, so
 * there are two candidate states: {@link #acked} (acknowledged operations
 * only) and {@link #withPending} (plus that operation); every item of the
 * recovered model must match one of them, and a check that needs certainty
 * (a translation must fault) is made only where both agree.
 */
record CrashExpectation(int trial, State acked, State withPending, String pending) {

    /** The state a prefix of the ledger leads to. */
    static final class State {
        boolean allocated;
        boolean cdWritten;
        final Map<Long, Long> mapped = new HashMap<>(); // iova -> pa
        /** Unmapped, and a TLBI + CMD_SYNC for it acknowledged since: no cache may translate it. */
        final Set<Long> invalidated = new HashSet<>();
        final Map<Integer, Ste> memory = new HashMap<>();
        final Map<Integer, Ste> inForce = new HashMap<>();

        void apply(List<String> op) {
            switch (op.get(0)) {
                case "ALLOC" -> allocated = true;
                case "CD" -> cdWritten = true;
                case "STE" -> memory.put(Integer.parseInt(op.get(1)), CrashChild.ste(op.get(2)));
                case "CFGI" -> {
                    int sid = Integer.parseInt(op.get(1));
                    inForce.put(sid, memory.getOrDefault(sid, Ste.invalid()));
                }
                case "MAP" -> {
                    long iova = Long.parseLong(op.get(1));
                    mapped.put(iova, Long.parseLong(op.get(2)));
                    invalidated.remove(iova);
                }
                case "UNMAP" -> mapped.remove(Long.parseLong(op.get(1)));
                case "INV" -> {
                    long iova = Long.parseLong(op.get(1));
                    if (!mapped.containsKey(iova)) {
                        invalidated.add(iova);
                    }
                }
                default -> throw new IllegalArgumentException("unknown operation " + op);
            }
        }
    }

    static CrashExpectation of(int trial, List<CrashLedger.Entry> ledger) {
        State acked = new State();
        State with = new State();
        String pending = null;
        for (CrashLedger.Entry e : ledger) {
            with.apply(e.op());
            if (e.acked()) {
                acked.apply(e.op());
            } else {
                pending = String.join(" ", e.op());
            }
        }
        return new CrashExpectation(trial, acked, with, pending);
    }

    /** Every IOVA either state says something about. */
    Set<Long> iovas() {
        Set<Long> all = new HashSet<>(acked.mapped.keySet());
        all.addAll(withPending.mapped.keySet());
        all.addAll(acked.invalidated);
        all.addAll(withPending.invalidated);
        return all;
    }

    Set<Integer> sids() {
        Set<Integer> all = new HashSet<>(acked.memory.keySet());
        all.addAll(withPending.memory.keySet());
        all.addAll(acked.inForce.keySet());
        all.addAll(withPending.inForce.keySet());
        return all;
    }
}
