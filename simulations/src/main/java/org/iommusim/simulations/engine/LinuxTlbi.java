package org.iommusim.simulations.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RangeInvalidation;
import org.iommusim.protocol.command.RangeTarget;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.simulations.scenario.DriverDef;

/**
 * What Linux's arm-smmu-v3 driver sends for an unmap (reference section 9):
 * the unmap's pages are gathered ({@code iommu_iotlb_gather}) into one span per
 * contiguous IOVA range, and each span is invalidated by
 * {@code __arm_smmu_tlb_inv_range}: with RIL, one range command per (NUM, SCALE)
 * chunk ({@link RangeInvalidation}: 1 or 2 commands for most spans); without
 * it, one TLBI per leaf. The DMA unmap path never switches to a whole-ASID
 * invalidation however large the span; the SVA path does at
 * {@code CMDQ_MAX_TLBI_OPS} (512) pages without RIL, which
 * {@code driver.range-threshold} turns on.
 */
final class LinuxTlbi {
    /** One gathered span: [iova, iova + size). */
    record Span(long iova, long size) {}

    private LinuxTlbi() {}

    /** The records' ranges merged into contiguous spans, lowest IOVA first. */
    static List<Span> gather(List<MapRecord> records) {
        List<MapRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong((MapRecord r) -> r.iova));
        List<Span> out = new ArrayList<>();
        boolean open = false;
        long start = 0;
        long end = 0;
        for (MapRecord r : sorted) {
            if (open && r.iova == end) {
                end += r.size;
                continue;
            }
            if (open) {
                out.add(new Span(start, end - start));
            }
            open = true;
            start = r.iova;
            end = r.iova + r.size;
        }
        if (open) {
            out.add(new Span(start, end - start));
        }
        return out;
    }

    /**
     * The TLBIs for one span, before the CMD_SYNC: {@code ril} is the SMMU's
     * IDR3.RIL; {@code mode} (the domain's, else the driver's {@code invalidation}) may force per-page commands on an
     * SMMU with RIL, or one whole-context command per span.
     */
    static List<Command> span(RangeTarget target, Span s, Granule granule, boolean ril, DriverDef def,
            DriverDef.Invalidation mode) {
        long page = granule.pageSize();
        long pages = s.size() / page;
        if (mode == DriverDef.Invalidation.ASID) {
            return List.of(target.wholeContext());
        }
        boolean range = mode == DriverDef.Invalidation.RANGE && ril;
        if (range) {
            return new ArrayList<>(RangeInvalidation.build(target, s.iova(), s.size(), granule, true, true));
        }
        if (def.rangeThresholdPages() > 0 && pages >= def.rangeThresholdPages()) {
            return List.of(target.wholeContext());
        }
        List<Command> out = new ArrayList<>((int) Math.min(pages, 1 << 20));
        for (long a = s.iova(); a < s.iova() + s.size(); a += page) {
            out.add(target.at(a, true, TlbiRange.NONE));
        }
        return out;
    }
}
