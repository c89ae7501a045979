package org.iommusim.actors.api;

import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.pagetable.MemoryTableWalk;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.WalkResult;
import org.iommusim.persistence.tcu.IpaEntry;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkEntry;
import org.iommusim.protocol.domain.DomainId;

/**
 * One entry the TCU of an SMMU holds now, as an audit reads it: a walk-cache
 * entry (a table descriptor, or the block or page descriptor found at its
 * level) or an IPA-cache entry (a stage-2 result). For checkers and tools that
 * must know what the TCU can still lead a walk to, whether or not a device
 * ever walks there again. Its answers are the TCU's own (the walk caches'
 * lookup, {@code Tcu.leafAnswer}, {@code Tcu.namesFreedTable}): nothing here
 * re-states the rule. The answers that name a domain read that domain's
 * tables as they are at the call.
 * Immutable, safe to share between threads.
 */
public final class CachedWalk {
    private final String smmu;
    private final int stage;
    private final int level;
    private final WalkEntry walk;
    private final IpaEntry ipa;
    private final PageTableViews tables;

    CachedWalk(String smmu, int stage, int level, WalkEntry walk, PageTableViews tables) {
        this.smmu = smmu;
        this.stage = stage;
        this.level = level;
        this.walk = walk;
        this.ipa = null;
        this.tables = tables;
    }

    CachedWalk(String smmu, IpaEntry ipa, PageTableViews tables) {
        this.smmu = smmu;
        this.stage = 2;
        this.level = ipa.level();
        this.walk = null;
        this.ipa = ipa;
        this.tables = tables;
    }

    /** The SMMU's id ({@code smmu-<n>}). */
    public String smmu() {
        return smmu;
    }

    /** The cache holding it: {@code walk-s<stage>-l<level>} (e.g. {@code walk-s1-l3}) or {@code ipa}. */
    public String cache() {
        return ipa != null ? "ipa" : "walk-s" + stage + "-l" + level;
    }

    /**
     * The cache holding it, typed.
     *
     * @return a walk cache of its stage and level, or {@link TcuCache#IPA}
     */
    public TcuCache cacheKind() {
        return ipa != null ? TcuCache.IPA : TcuCache.walk(stage, level);
    }

    /** 1 or 2: the stage of the tables it was read from (the IPA cache holds stage-2 results). */
    public int stage() {
        return stage;
    }

    /** The level its descriptor was read at (for a table entry, the level of the entry pointing at the next table). */
    public int level() {
        return level;
    }

    /** Its VMID tag. */
    public int vmid() {
        return ipa != null ? ipa.vmid() : walk.vmid();
    }

    /** Its ASID tag; -1 for a stage-2 entry, which has none. */
    public int asid() {
        return ipa != null ? IotlbEntry.NO_ASID : walk.asid();
    }

    /** The first input address (IOVA, or IPA for stage 2) a lookup finds it for. */
    public long va() {
        return ipa != null ? ipa.page() << IpaEntry.PAGE_SHIFT : walk.base();
    }

    /** Bytes of input a lookup finds it for (an IPA-cache entry is keyed per 4K page whatever its leaf's size). */
    public long size() {
        return ipa != null ? 1L << IpaEntry.PAGE_SHIFT : walk.size();
    }

    /** A block or page descriptor (every IPA-cache entry is one); false for a table descriptor. */
    public boolean leaf() {
        return ipa != null || walk.leaf();
    }

    /**
     * For a table entry of the model's own tables, the identity of the next-level table page it names; -1 for a
     * leaf and for a guest table entry ({@link #guestTable()}), which names its next table by IPA.
     */
    public long tableId() {
        return leaf() || guestTable() ? -1 : walk.value();
    }

    /**
     * Whether this is a table descriptor of a guest's own tables in guest memory (read by a walk of a stream
     * whose CD says so), which names the next-level table by its IPA ({@link #nextTableIpa()}), not by a table
     * page of any domain.
     */
    public boolean guestTable() {
        return walk != null && walk.guestTable();
    }

    /** For a guest table entry, the IPA of the next-level table it names; -1 for any other entry. */
    public long nextTableIpa() {
        return guestTable() ? MemoryTableWalk.resumeTable(walk.value()) : -1;
    }

    /**
     * Whether a walk of {@code stageOfWalk} (1 or 2) tagged (VMID, ASID) of
     * {@code address} finds this entry: the walk caches' and the IPA cache's
     * lookup ({@code asid} is -1 for stage 2).
     */
    public boolean hitBy(int stageOfWalk, int vmid, int asid, long address) {
        if (stageOfWalk != stage) {
            return false;
        }
        return ipa != null ? asid == IotlbEntry.NO_ASID && ipa.hitBy(vmid, address) : walk.hitBy(vmid, asid, address);
    }

    /**
     * The output address a walk of {@code domain}'s tables for {@code address}
     * that hits this leaf returns (an IPA for a nested domain's stage 1),
     * whether or not the tables still say so: the cached descriptor's answer.
     *
     * @throws IllegalArgumentException for a table entry, an address it does not cover, or a domain with no tables
     */
    public long translate(DomainId domain, long address) {
        if (!leaf()) {
            throw new IllegalArgumentException("a table walk-cache entry has no output of its own: " + this);
        }
        if (Long.compareUnsigned(address - va(), size()) >= 0) {
            throw new IllegalArgumentException("0x" + Long.toHexString(address) + " is outside " + this);
        }
        PageTable t = table(domain);
        // what it translates, Access flag aside: a leaf cached by an HTTU walk may have AF=0
        WalkResult r = ipa != null ? Tcu.ipaAnswer(ipa, t, address, true) : Tcu.leafAnswer(level, walk, t, address, true);
        return ((WalkResult.Leaf) r).outputAddress();
    }

    /**
     * Whether the table page a table entry names is still in place in
     * {@code domain}'s tables; false once it was freed (a walk this entry
     * leads then reads freed memory). True for a leaf, and for a guest table
     * entry: the guest's tables are in its memory, which the model does not
     * own, so what the guest freed there is not known (a walk it leads reads
     * what guest memory holds now).
     *
     * @throws IllegalArgumentException for a domain with no tables
     */
    public boolean inPlace(DomainId domain) {
        return leaf() || guestTable() || !Tcu.namesFreedTable(level, walk, table(domain));
    }

    private PageTable table(DomainId domain) {
        PageTable t = domain == null ? null : tables.table(domain);
        if (t == null) {
            throw new IllegalArgumentException("no tables for domain " + domain);
        }
        return t;
    }

    @Override
    public String toString() {
        String tags = "vmid=" + vmid() + (stage == 1 ? " asid=" + asid() : "");
        String what = leaf() ? (level == 3 ? "page" : "block") + " descriptor"
                : guestTable() ? "guest table descriptor -> table at IPA 0x" + Long.toHexString(nextTableIpa())
                : "table descriptor -> table page " + tableId();
        return smmu + " " + cache() + " [" + tags + " 0x" + Long.toHexString(va()) + "+0x" + Long.toHexString(size())
                + " " + what + "]";
    }
}
