package org.iommusim.persistence.translate;

import java.util.List;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbEvent;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkTally;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.WalkInfo;
import org.iommusim.protocol.event.TranslationFault;
import org.iommusim.protocol.translate.Faulted;
import org.iommusim.protocol.translate.Perms;
import org.iommusim.protocol.translate.Terminated;
import org.iommusim.protocol.translate.Translated;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.internal.BurstSlots;
import org.iommusim.protocol.translate.DescriptorRead;
import org.iommusim.persistence.tcu.WalkTrace;

/**
 * One translation, the SMMUv3 way: the configuration in force (already
 * resolved to a {@link StreamContext}), then the IOTLB, then on a miss a walk
 * of the published tables and a fill, then the permission check. A cached
 * entry is used even if the tables have changed since it was filled: only an
 * invalidation removes it, which is exactly what makes a missing TLBI visible.
 *
 * <p>Permissions follow the stage rules of the tables ({@code Perms}); a
 * nested access must pass stage 1, then stage 2, and a refusal names the
 * stage that refused it (event S2 bit, with the IPA for stage 2).
 */
public final class TranslationEngine {
    private TranslationEngine() {}

    private static final Perms BYPASS = new Perms(true, true, true, true);

    public static Outcome translate(TranslationRequest r, StreamContext context, IotlbShard shard) {
        return translate(r, context, shard, null, null);
    }

    /**
     * One request; a miss walks through {@code tcu}'s walk caches (null: the
     * tables directly, as an SMMU without walk caches), adding its reads to
     * {@code tally}.
     */
    public static Outcome translate(TranslationRequest r, StreamContext context, IotlbShard shard, Tcu tcu,
            WalkTally tally) {
        if (context instanceof StreamContext.Translate t) {
            return translate(r, t, shard, tcu, tally);
        }
        if (context instanceof StreamContext.Bypass b) {
            if (r.iova() >>> b.addressBits() != 0) {
                // Arm IHI 0070, 3.4 "Address sizes": a bypassed input beyond the OAS (or, with stage 1
                // bypassed, the IAS) is a stage-1 Address Size fault, CLASS=IN, S2=0
                SmmuEvent e = Faults.addressSize(r);
                return new Outcome(new Faulted(e), Outcome.Path.CONFIG, List.of(), e, 0);
            }
            return new Outcome(new Translated(r.iova(), BYPASS), Outcome.Path.CONFIG, List.of(), null, 0);
        }
        if (context instanceof StreamContext.Terminate a) {
            return new Outcome(new Terminated(r.sid(), a.reason()), Outcome.Path.CONFIG, List.of(), null, 0);
        }
        if (context instanceof StreamContext.CdFetchFault f) {
            WalkInfo where = Faults.stage2(EventClass.CD_FETCH, f.ipa());
            SmmuEvent e = f.fault() == null ? Faults.permission(r, where) : Faults.walk(r, f.fault(), where);
            if (!f.record()) {
                return new Outcome(new Terminated(r.sid(), e.id().referenceName() + " not recorded: STE.S2R is 0"),
                        Outcome.Path.CONFIG, List.of(), null, 0);
            }
            return new Outcome(new Faulted(e), Outcome.Path.CONFIG, List.of(), e, 0);
        }
        SmmuEvent e = ((StreamContext.ConfigFault) context).event();
        return new Outcome(new Faulted(e), Outcome.Path.CONFIG, List.of(), e, 0);
    }

    /**
     * The request whose answer goes in slot {@code slot} of a burst, answered
     * there. The common case, a hit that allows the access, allocates nothing
     * and returns null: nothing is left to persist, record or explain but the
     * hit itself. Anything else takes the one-request path and returns its
     * outcome (fills, fault, path).
     */
    public static Outcome translateInto(TranslationBurst b, int slot, StreamContext context, IotlbShard shard) {
        return translateInto(b, slot, context, shard, null, null);
    }

    /** {@link #translateInto(TranslationBurst, int, StreamContext, IotlbShard)} walking through {@code tcu}. */
    public static Outcome translateInto(TranslationBurst b, int slot, StreamContext context, IotlbShard shard,
            Tcu tcu, WalkTally tally) {
        Outcome o;
        if (context instanceof StreamContext.Translate t) {
            long iova = BurstSlots.slotIova(b, slot);
            IotlbEntry hit = shard.lookupOrNull(t.vmid(), t.asid(), t.kind(), iova);
            if (hit != null && hit.perms().allows(BurstSlots.slotAccess(b, slot), BurstSlots.slotPrivileged(b, slot))) {
                BurstSlots.answerSlotHit(b, slot, hit.translate(iova), hit.perms());
                return null;
            }
            // only a walk that can read addressed tables (a CD's TTB0 or guest memory) is traced for its
            // addresses: every other walk's are -1, and its count is the outcome's, so it costs nothing more
            boolean traced = tally != null && t.fetches() != null && tally.trace == null;
            if (traced) {
                tally.trace = new WalkTrace();
            }
            try {
                o = afterLookup(BurstSlots.slotRequest(b, slot), t, shard, hit, tcu, tally);
            } finally {
                if (traced) {
                    tally.trace = null;
                }
            }
        } else {
            o = translate(BurstSlots.slotRequest(b, slot), context, shard, tcu, tally);
        }
        BurstSlots.answerSlot(b, slot, o.result(), o.path().published());
        if (o.walkSteps() > 0) {
            int traced = o.walk() == null ? 0 : o.walk().descriptors().size();
            BurstSlots.walked(b, slot, o.walkSteps(), addresses(o), traced);
        }
        return o;
    }

    /** The addresses of a traced walk's descriptors, in order; null when it was not traced or none has one. */
    private static long[] addresses(Outcome o) {
        if (o.walk() == null) {
            return null;
        }
        List<DescriptorRead> reads = o.walk().descriptors();
        long[] out = null;
        for (int k = 0; k < reads.size(); k++) {
            long a = reads.get(k).address();
            if (a != -1 && out == null) {
                out = new long[reads.size()];
                java.util.Arrays.fill(out, 0, k, -1L);
            }
            if (out != null) {
                out[k] = a;
            }
        }
        return out;
    }

    private static Outcome translate(TranslationRequest r, StreamContext.Translate t, IotlbShard shard, Tcu tcu,
            WalkTally tally) {
        return afterLookup(r, t, shard, shard.lookupOrNull(t.vmid(), t.asid(), t.kind(), r.iova()), tcu, tally);
    }

    private static Outcome afterLookup(TranslationRequest r, StreamContext.Translate t, IotlbShard shard,
            IotlbEntry hit, Tcu tcu, WalkTally tally) {
        if (hit != null) {
            return checked(r, t, hit, Outcome.Path.HIT, List.of(), 0, -1);
        }
        Walk w = walk(r, t, tcu, tally == null && tcu != null ? new WalkTally() : tally);
        Outcome o;
        if (w.fault != null) {
            o = faulted(r, t, w.fault, Outcome.Path.MISS, List.of(), w.steps);
        } else {
            o = checked(r, t, w.entry, Outcome.Path.MISS, withGuestReads(shard.fill(w.entry), w.guestReads), w.steps,
                    w.ipa);
        }
        // the detail only when the caller asked for it (a trace in its tally): on the burst path, only for a
        // walk that can read addressed tables
        return tally == null || tally.trace == null ? o
                : o.withWalk(WalkDescriptors.of(t, tally.trace, w.guestReads, tally.guestWalkCacheHit));
    }

    /**
     * A fill of an entry walked in guest memory carries the descriptors the walk read (journaled with it, so
     * replay answers them without the embedder's memory); other fills are returned as they are.
     */
    private static List<IotlbEvent> withGuestReads(List<IotlbEvent> fills, List<MemoryTableWalk.Read> reads) {
        if (reads == null) {
            return fills;
        }
        List<IotlbEvent> out = new java.util.ArrayList<>(fills.size());
        for (IotlbEvent e : fills) {
            out.add(e instanceof IotlbEvent.Filled f ? f.withGuestReads(reads) : e);
        }
        return out;
    }

    /** @param ipa the nested access's IPA when the walk just gave it, else -1 (found again if a fault needs it) */
    private static Outcome checked(TranslationRequest r, StreamContext.Translate t, IotlbEntry e, Outcome.Path path,
            List<IotlbEvent> fills, int steps, long ipa) {
        if (e.perms().allows(r.access(), r.privileged())) {
            return new Outcome(new Translated(e.translate(r.iova()), e.perms()), path, fills, null, steps);
        }
        SmmuEvent fault = switch (e.kind()) {
            case STAGE1 -> Faults.permission(r, Faults.stage1());
            case STAGE2 -> Faults.permission(r, Faults.stage2(r.iova()));
            case NESTED -> e.stage1Perms().allows(r.access(), r.privileged())
                    ? Faults.permission(r, Faults.stage2(ipa != -1 ? ipa : ipaOf(t, r.iova())))
                    : Faults.permission(r, Faults.stage1());
        };
        return faulted(r, t, fault, path, fills, steps);
    }

    /**
     * A translation-related fault terminates the transaction; it is recorded
     * unless the record bit of the stage it names is clear (CD.R for stage 1,
     * STE.S2R for stage 2; Arm IHI 0070, 5.5 "Fault configuration": R governs
     * F_TRANSLATION, F_ACCESS, F_ADDR_SIZE and F_PERMISSION, which are all the
     * faults a walk or a permission check raises). Unrecorded, the device
     * still gets an abort, as a termination without an event.
     */
    private static Outcome faulted(TranslationRequest r, StreamContext.Translate t, SmmuEvent fault,
            Outcome.Path path, List<IotlbEvent> fills, int steps) {
        boolean s2 = ((TranslationFault) fault).walk().s2();
        if (s2 ? t.faults().recordS2() : t.faults().recordS1()) {
            return new Outcome(new Faulted(fault), path, fills, fault, steps);
        }
        String reason = fault.id().referenceName() + " not recorded: " + (s2 ? "STE.S2R" : "CD.R") + " is 0";
        return new Outcome(new Terminated(r.sid(), reason), path, fills, null, steps);
    }

    /** The IPA of a nested access, for a stage-2 fault record (0 if stage 1 no longer maps it). */
    private static long ipaOf(StreamContext.Translate t, long iova) {
        if (t.fetches() != null && t.fetches().guest() != null) {
            return GuestWalk.ipaOf(t, iova);
        }
        return t.s1().walk(iova) instanceof WalkResult.Leaf l ? l.outputAddress() : 0;
    }

    /**
     * A walk's end: the entry to fill, or the fault; the descriptors it read ({@code steps}); for a walk of
     * guest tables, the stage-1 descriptors it read from guest memory (null otherwise) and the IPA stage 1
     * gave (-1 otherwise), so that a permission fault need not read guest memory again.
     */
    record Walk(IotlbEntry entry, SmmuEvent fault, int steps, List<MemoryTableWalk.Read> guestReads, long ipa) {
        Walk(IotlbEntry entry, SmmuEvent fault, int steps) {
            this(entry, fault, steps, null, -1);
        }

        Walk(IotlbEntry entry, SmmuEvent fault, int steps, List<MemoryTableWalk.Read> guestReads) {
            this(entry, fault, steps, guestReads, -1);
        }
    }

    private static Walk walk(TranslationRequest r, StreamContext.Translate t, Tcu tcu, WalkTally tally) {
        Reads reads = new Reads(tcu, tally);
        switch (t.kind()) {
            case STAGE1: {
                WalkResult w = reads.walk(1, t.vmid(), t.asid(), t.s1(), r.iova(), t.faults().hardwareAfS1());
                int steps = reads.last;
                if (w instanceof WalkResult.WalkFault f) {
                    return new Walk(null, Faults.walk(r, f, Faults.stage1()), steps);
                }
                WalkResult.Leaf l = (WalkResult.Leaf) w;
                return new Walk(IotlbEntry.stage1(t.vmid(), t.asid(), l.leafBase(), t.s1().spec().granule(), l.level(),
                        l.outputAddress() - (r.iova() - l.leafBase()), l.perms()), null, steps);
            }
            case STAGE2: {
                if (r.iova() >>> t.ias() != 0) {
                    // Arm IHI 0070, 3.4 "Address sizes": with stage 1 bypassed, an input beyond the IAS is a
                    // stage-1 Address Size fault (S2=0) before stage 2 sees it; within the IAS but beyond
                    // S2T0SZ it is a stage-2 Translation fault (the walk below)
                    return new Walk(null, Faults.addressSize(r), 0);
                }
                WalkResult w = reads.walk(2, t.vmid(), IotlbEntry.NO_ASID, t.s2(), r.iova(), t.faults().hardwareAfS2());
                int steps = reads.last;
                if (w instanceof WalkResult.WalkFault f) {
                    return new Walk(null, Faults.walk(r, f, Faults.stage2(r.iova())), steps);
                }
                WalkResult.Leaf l = (WalkResult.Leaf) w;
                return new Walk(IotlbEntry.stage2(t.vmid(), l.leafBase(), t.s2().spec().granule(), l.level(),
                        l.outputAddress() - (r.iova() - l.leafBase()), l.perms()), null, steps);
            }
            default: {
                // the CD and stage-1 table reads are IPAs: a stage-2 fault on one ends the walk (CLASS=CD/TT)
                SmmuEvent fetch = DescriptorFetch.fault(r, t);
                if (fetch != null) {
                    return new Walk(null, fetch, 0);
                }
                if (t.fetches() != null && t.fetches().guest() != null) {
                    return GuestWalk.walk(r, t, reads);
                }
                WalkResult w1 = reads.walk(1, t.vmid(), t.asid(), t.s1(), r.iova(), t.faults().hardwareAfS1());
                int n1 = reads.last;
                // each stage-1 descriptor read is itself translated by stage 2
                int s2Depth = 4 - t.s2().startLevel();
                if (w1 instanceof WalkResult.WalkFault f) {
                    return new Walk(null, Faults.walk(r, f, Faults.stage1()), n1 * (s2Depth + 1));
                }
                WalkResult.Leaf l1 = (WalkResult.Leaf) w1;
                long ipa = l1.outputAddress();
                WalkResult w2 = reads.walk(2, t.vmid(), IotlbEntry.NO_ASID, t.s2(), ipa, t.faults().hardwareAfS2());
                int steps = n1 * (s2Depth + 1) + reads.last;
                if (w2 instanceof WalkResult.WalkFault f) {
                    return new Walk(null, Faults.walk(r, f, Faults.stage2(ipa)), steps);
                }
                WalkResult.Leaf l2 = (WalkResult.Leaf) w2;
                long size = Math.min(l1.size(), l2.size());
                long offset = r.iova() & (size - 1);
                return new Walk(IotlbEntry.nested(t.vmid(), t.asid(), r.iova() - offset, size, t.s1().spec().granule(),
                        l1.level(), l2.outputAddress() - offset, l1.perms(), l2.perms()), null, steps);
            }
        }
    }

    /** One stage's walk, through the TCU when there is one, and the descriptors it read. */
    static final class Reads {
        private final Tcu tcu;
        final WalkTally tally;
        int last;

        Reads(Tcu tcu, WalkTally tally) {
            this.tcu = tcu;
            this.tally = tally;
        }

        /** The TCU walks go through, or null. */
        Tcu tcu() {
            return tcu;
        }

        WalkResult walk(int stage, int vmid, int asid, PageTable table, long iova, boolean hardwareAccessFlag) {
            if (tcu == null) {
                WalkResult w = table.walk(iova, hardwareAccessFlag);
                last = steps(table, w);
                if (tally != null && tally.trace != null) {
                    tally.trace.add(stage, iova, -1, false, table.startLevel(), PageTable.ROOT_TABLE_ID,
                            table.startLevel() + last - 1);
                }
                return w;
            }
            int before = tally.reads;
            WalkResult w = tcu.walk(stage, vmid, asid, table, iova, hardwareAccessFlag, tally);
            last = tally.reads - before;
            return w;
        }
    }

    private static int steps(PageTable t, WalkResult w) {
        int level = w instanceof WalkResult.Leaf l ? l.level() : ((WalkResult.WalkFault) w).level();
        return level - t.startLevel() + 1;
    }
}
