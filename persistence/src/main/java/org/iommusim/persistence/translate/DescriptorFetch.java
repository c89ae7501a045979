package org.iommusim.persistence.translate;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.pagetable.DescriptorSink;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.protocol.event.EventClass;
import org.iommusim.protocol.event.SmmuEvent;
import org.iommusim.protocol.event.WalkInfo;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * The stage-2 translation of a nested stream's own reads: with stage 2 enabled, the CD's address
 * (STE.S1ContextPtr, Arm IHI 0070, 5.2) and every stage-1 table address (CD.TTB0, 5.4, then each table
 * descriptor's next-level table) are IPAs. The SMMU translates each through stage 2 before
 * it reads there; a stage-2 fault on such a read is reported as that fault (F_TRANSLATION, F_ACCESS,
 * F_PERMISSION: the read needs stage-2 read permission) with S2=1, CLASS=CD for the CD fetch or
 * CLASS=TT for a table read (7.3, the CLASS field), the IPA of the read, and the transaction's own
 * input address.
 *
 * <p>Model choices: table page {@code k} of a stage-1 table (the root is 0, ids are never reused) is at
 * TTB0 + k * granule, a contiguous pool the guest allocates from; the CD's address is checked on every
 * walk (a TLB miss), as if the CD were fetched with it (the configuration cache keeps the CD's contents
 * as CFGI loaded them); these reads' stage-2 translations are walked directly, not through the TCU's
 * walk caches. A stream whose STE and CD give no addresses is not checked (its structures are outside
 * the address space, as before).
 */
final class DescriptorFetch {
    private DescriptorFetch() {}

    /** The fault of the first of {@code r}'s CD and (object) stage-1 table reads that stage 2 refuses, or null. */
    static SmmuEvent fault(TranslationRequest r, StreamContext.Translate t) {
        StreamContext.Fetches f = t.fetches();
        if (f == null) {
            return null;
        }
        if (f.cdIpa() != -1) {
            SmmuEvent e = read(r, t, f.cdIpa(), EventClass.CD_FETCH);
            if (e != null) {
                return e;
            }
        }
        if (f.ttb0() == -1 || f.guest() != null || !t.s1().inRange(r.iova())) {
            // an input beyond T0SZ faults in stage 1 before any table is read; a walk of guest tables checks
            // each read itself, as it reads (MemoryTableWalk)
            return null;
        }
        for (long ipa : tableReads(t.s1(), r.iova(), f.ttb0())) {
            SmmuEvent e = read(r, t, ipa, EventClass.TABLE_WALK);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /** The IPAs of the descriptors a stage-1 walk of {@code iova} reads, in order. */
    private static List<Long> tableReads(PageTable s1, long iova, long ttb0) {
        long granule = s1.spec().granule().pageSize();
        List<Long> out = new ArrayList<>(4);
        out.add(ttb0 + descriptorOffset(s1, s1.startLevel(), iova, granule));
        s1.walk(iova, true, new DescriptorSink() {
            @Override
            public void table(int level, long address, long tableId) {
                out.add(ttb0 + tableId * granule + descriptorOffset(s1, level + 1, address, granule));
            }

            @Override
            public void leaf(int level, long address, long descriptor) {}

            @Override
            public void freedTable(int level, long address, long tableId) {}
        });
        return out;
    }

    private static long descriptorOffset(PageTable s1, int level, long iova, long granule) {
        return (Long.divideUnsigned(iova, s1.entrySize(level)) % (granule / 8)) * 8;
    }

    private static SmmuEvent read(TranslationRequest r, StreamContext.Translate t, long ipa, EventClass c) {
        WalkInfo where = Faults.stage2(c, ipa);
        WalkResult w = t.s2().walk(ipa, t.faults().hardwareAfS2());
        if (w instanceof WalkResult.WalkFault f) {
            return Faults.walk(r, f, where);
        }
        if (!((WalkResult.Leaf) w).perms().allows(Access.READ, false)) {
            return Faults.permission(r, where);
        }
        return null;
    }
}
