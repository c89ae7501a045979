package org.iommusim.persistence.pagetable;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.memory.GuestMemory;
import org.iommusim.protocol.memory.GuestMemoryException;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;

/**
 * A stage-1 walk of a guest's own tables, read descriptor by descriptor from memory (VMSAv8-64, Arm DDI 0487
 * D8.3): each table address is an IPA, which the stream's stage 2 translates before the read (Arm IHI 0070,
 * 3.3.3); a stage-2 refusal ends the walk as a fetch fault (CLASS=TT), a refused read as an external abort
 * (F_WALK_EABT). The geometry (granule, start level, input size) and the leaf layout are those of {@code s1},
 * the nested domain the CD names; its own mappings are not read.
 *
 * <p>Decoding: bit 0 valid; bit 1 table (above level 3) or page (level 3); a block (bit 1 clear) only at a
 * level where the granule has blocks (4K: 1G and 2M; 16K: 32M; 64K: 512M), anything else invalid; AF (bit 10) clear is an Access fault unless the SMMU updates AF (HTTU with CD.HA; the model does
 * not write AF back to guest memory); AP[2:1], UXN/PXN as {@link StagePermissions}; the table descriptors'
 * APTable[1:0] (bits 62:61) and UXNTable/PXNTable (bits 60:59) restrict what lies below (D8.4.2).
 */
public final class MemoryTableWalk {
    private MemoryTableWalk() {}

    private static final long AP_TABLE_RDONLY = 1L << 62;
    private static final long AP_TABLE_NO_UNPRIV = 1L << 61;
    private static final long XN_TABLE = 3L << 59;

    /**
     * One descriptor read.
     *
     * @param level      the table level it belongs to
     * @param ipa        the descriptor's IPA (table IPA + 8 * index)
     * @param pa         the address read: stage 2's output for {@code ipa}
     * @param descriptor the value read
     */
    public record Read(int level, long ipa, long pa, long descriptor) {}

    /** How a walk ended; {@link #reads()} are the descriptors read, in order. */
    public sealed interface Result {
        List<Read> reads();
    }

    /** Stage 1 decided: a leaf (its output an IPA) or a stage-1 walk fault. */
    public record Walked(WalkResult stage1, List<Read> reads) implements Result {}

    /**
     * Stage 2 refused the descriptor read at {@code ipa} (level {@code level} of stage 1): {@code fault} its
     * walk fault, or null when stage 2 maps the IPA without read permission (F_PERMISSION).
     */
    public record FetchFault(int level, long ipa, WalkResult.WalkFault fault, List<Read> reads) implements Result {}

    /** The memory refused the read at {@code pa} ({@code ipa}): an external abort. */
    public record ExternalAbort(int level, long ipa, long pa, String reason, List<Read> reads) implements Result {}

    /**
     * Walks {@code iova} in the guest's tables rooted at IPA {@code ttb0}.
     *
     * @param s1           the nested domain: geometry and descriptor layout
     * @param s2           the stream's stage 2, which translates every table IPA
     * @param hardwareAfS1 an AF=0 stage-1 leaf is used (HTTU and CD.HA)
     * @param hardwareAfS2 likewise for the stage-2 walks of the table IPAs
     */
    public static Result walk(PageTable s1, PageTable s2, long ttb0, long iova, boolean hardwareAfS1,
            boolean hardwareAfS2, GuestMemory memory) {
        if (!s1.inRange(iova)) {
            return new Walked(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, s1.startLevel()),
                    new ArrayList<>(0));
        }
        return walkFrom(s1.startLevel(), ttb0, s1, s2, iova, hardwareAfS1, hardwareAfS2, memory, NO_SINK);
    }

    /** Receives each valid table descriptor a walk reads: what a walk cache may keep of it. */
    @FunctionalInterface
    public interface TableSink {
        /**
         * @param level the level of the table descriptor
         * @param iova  the walk's input
         * @param next  {@link #resumeValue}: the next-level table's IPA with the restrictions inherited so far
         */
        void table(int level, long iova, long next);
    }

    private static final TableSink NO_SINK = (level, iova, next) -> {};

    // bits 51:4: a root table smaller than a granule (a few entries at the start level) may be 16-byte aligned
    private static final long ADDRESS = 0x000F_FFFF_FFFF_FFF0L;
    private static final long INHERITED = AP_TABLE_RDONLY | AP_TABLE_NO_UNPRIV | XN_TABLE;

    /**
     * What a walk continues from below a table descriptor: the next table's IPA (bits 51:4) with the
     * APTable/XNTable restrictions of every table descriptor above and this one (bits 62:59, as in a table
     * descriptor), all in one word a walk cache can hold.
     */
    public static long resumeValue(long nextTableIpa, long inherited) {
        return (nextTableIpa & ADDRESS) | (inherited & INHERITED);
    }

    /** The next table's IPA in a {@link #resumeValue}. */
    public static long resumeTable(long resume) {
        return resume & ADDRESS;
    }

    /**
     * A walk of {@code iova} (within {@code s1}'s input range) resumed at {@code level} from {@code resume}: the
     * root (TTB0, nothing inherited) at the start level, or a walk cache's {@link #resumeValue} below a table
     * descriptor it held. Each valid table descriptor read goes to {@code sink}.
     */
    public static Result walkFrom(int level, long resume, PageTable s1, PageTable s2, long iova, boolean hardwareAfS1,
            boolean hardwareAfS2, GuestMemory memory, TableSink sink) {
        List<Read> reads = new ArrayList<>(4);
        DescriptorFormat format = s1.format();
        long table = resume & ADDRESS;
        boolean readOnly = (resume & AP_TABLE_RDONLY) != 0;
        boolean privilegedOnly = (resume & AP_TABLE_NO_UNPRIV) != 0;
        boolean noExec = (resume & XN_TABLE) != 0;
        for (; level <= 3; level++) {
            long ipa = table + 8L * s1.descriptorIndex(level, iova);
            WalkResult fetch = s2.walk(ipa, hardwareAfS2);
            if (fetch instanceof WalkResult.WalkFault f) {
                return new FetchFault(level, ipa, f, reads);
            }
            WalkResult.Leaf where = (WalkResult.Leaf) fetch;
            if (!where.perms().allows(Access.READ, false)) {
                return new FetchFault(level, ipa, null, reads);
            }
            long pa = where.outputAddress();
            long d;
            try {
                d = memory.readDescriptor(pa);
            } catch (GuestMemoryException e) {
                return new ExternalAbort(level, ipa, pa, e.getMessage(), reads);
            } catch (RuntimeException e) {
                // a callback that fails otherwise is a bug in it; the transaction still gets its answer (an abort)
                return new ExternalAbort(level, ipa, pa, "the guest memory threw " + e, reads);
            }
            reads.add(new Read(level, ipa, pa, d));
            if ((d & DescriptorFormat.VALID) == 0) {
                return new Walked(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, level), reads);
            }
            boolean bit1 = (d & DescriptorFormat.PAGE) != 0;
            if (level < 3 && bit1) {
                readOnly |= (d & AP_TABLE_RDONLY) != 0;
                privilegedOnly |= (d & AP_TABLE_NO_UNPRIV) != 0;
                noExec |= (d & XN_TABLE) != 0;
                table = format.outputAddress(d);
                sink.table(level, iova, resumeValue(table, (readOnly ? AP_TABLE_RDONLY : 0)
                        | (privilegedOnly ? AP_TABLE_NO_UNPRIV : 0) | (noExec ? XN_TABLE : 0)));
                continue;
            }
            if (level == 3 ? !bit1 : !s1.geometry().leafLevel(level)) {
                // a level-3 descriptor with bit 1 clear is reserved; a block larger than the granule allows is
                // invalid: both are Translation faults at that level
                return new Walked(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, level), reads);
            }
            if ((d & DescriptorFormat.AF) == 0 && !hardwareAfS1) {
                return new Walked(WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.ACCESS, level), reads);
            }
            long size = s1.entrySize(level);
            Perms p = format.perms(d);
            p = new Perms(p.read(), p.write() && !readOnly, p.exec() && !noExec, p.unprivileged() && !privilegedOnly);
            return new Walked(new WalkResult.Leaf(format.outputAddress(d) & -size | (iova & (size - 1)), iova & -size,
                    size, level, Perms.ofBits(p.bits())), reads);
        }
        throw new AssertionError("a walk ends by level 3");
    }
}
