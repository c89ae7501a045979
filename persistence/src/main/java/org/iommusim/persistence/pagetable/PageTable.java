package org.iommusim.persistence.pagetable;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * One domain's translation table: an immutable, structurally shared radix
 * tree in the VMSAv8-64 format of its {@link DomainSpec} (stage-1 or stage-2
 * descriptors, 4K/16K/64K granule, levels from the start level for the IAS
 * down to 3), with leaves packed as real descriptors (see {@link DescriptorFormat}).
 *
 * <p>Event-sourced and pure: {@link #decideMap}/{@link #decideUnmap} validate
 * a batch and return the event to persist or the error; {@link #apply}
 * returns a new table and never fails for an event a decision produced.
 * A table never changes once built, so publishing a view for translation is
 * handing over the reference.
 *
 * <p>Input addresses at or beyond 2^IAS (the range TxSZ gives the table):
 * a Translation fault at the start level, for both stages. Arm IHI 0070,
 * 3.4 "Address sizes": a VA outside the range CD.T0SZ configures is a stage-1
 * Translation fault, and an IPA outside the range STE.S2T0SZ configures is a
 * stage-2 Translation fault (QEMU reports F_ADDR_SIZE there; the architecture
 * does not). The check of a stage-1-bypassing input against the SMMU's IAS,
 * a stage-1 Address Size fault, is the translating caller's, as is which
 * stage a fault record names (its S2 bit).
 */
public final class PageTable {
    private final DomainSpec spec;
    private final TableGeometry geo;
    private final DescriptorFormat format;
    private final Node root;
    private final long leafCount;
    private final long mappedBytes;
    private final long digest;
    private final long nextTableId;

    PageTable(DomainSpec spec, TableGeometry geo, DescriptorFormat format, Node root,
              long leafCount, long mappedBytes, long digest, long nextTableId) {
        this.nextTableId = nextTableId;
        this.spec = spec;
        this.geo = geo;
        this.format = format;
        this.root = root;
        this.leafCount = leafCount;
        this.mappedBytes = mappedBytes;
        this.digest = digest;
    }

    /** The identity of a domain's root table (the one the CD or STE points at). */
    public static final long ROOT_TABLE_ID = 0;

    /** An empty table for {@code spec}. */
    public static PageTable empty(DomainSpec spec) {
        return new PageTable(spec, new TableGeometry(spec), DescriptorFormat.of(spec), new Node(null, ROOT_TABLE_ID), 0, 0, 0,
                ROOT_TABLE_ID + 1);
    }

    /**
     * Rebuilds a table from the (IOVA, level, descriptor) leaves a snapshot
     * recorded, e.g. from {@link #leaves()}: descriptors are put back bit for
     * bit, so the result has the same leaves, areas and digest.
     */
    public static PageTable restore(DomainSpec spec, Iterable<LeafEntry> leaves) {
        TableEditor editor = new TableEditor(empty(spec));
        for (LeafEntry leaf : leaves) {
            editor.restoreLeaf(leaf.iova(), leaf.level(), leaf.descriptor());
        }
        return editor.build();
    }

    /**
     * As {@link #restore(DomainSpec, Iterable)}, each table page getting back
     * the identity {@code pages} recorded for it ({@link #tablePages()}) and
     * the next allocation {@code nextTableId}: the table the snapshot was taken
     * of, identities included.
     */
    public static PageTable restore(DomainSpec spec, Iterable<LeafEntry> leaves, Iterable<TablePage> pages,
            long nextTableId) {
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        for (TablePage p : pages) {
            ids.put(p.level() + "/" + p.base(), p.id());
        }
        TableEditor editor = new TableEditor(empty(spec), ids, nextTableId);
        for (LeafEntry leaf : leaves) {
            editor.restoreLeaf(leaf.iova(), leaf.level(), leaf.descriptor());
        }
        for (TablePage p : pages) {
            editor.restoreTable(p.base(), p.level()); // tables emptied by unmaps stay, as they were
        }
        return editor.build();
    }

    /** Every table page below the root, with its identity, in address order, level by level within. */
    public List<TablePage> tablePages() {
        List<TablePage> out = new ArrayList<>();
        collectPages(root, geo.startLevel, 0, out);
        return out;
    }

    private void collectPages(Node n, int level, long base, List<TablePage> out) {
        if (!n.hasChildren()) {
            return;
        }
        for (int i = 0, size = n.capacity(); i < size; i++) {
            Node c = n.child(i);
            if (c != null) {
                long childBase = base + i * geo.entrySize(level);
                out.add(new TablePage(level + 1, childBase, c.id));
                collectPages(c, level + 1, childBase, out);
            }
        }
    }

    /** The id the next allocated table page gets (kept by a snapshot with {@link #tablePages()}). */
    public long nextTableIdentity() {
        return nextTableId;
    }

    // ---- commands and events ------------------------------------------------

    public Decision<Mapped> decideMap(MapBatch batch) {
        return MapCheck.decide(this, batch);
    }

    public Decision<Unmapped> decideUnmap(UnmapBatch batch) {
        return UnmapCheck.decide(this, batch);
    }

    /**
     * The table after {@code event}. Throws {@link IllegalStateException} only
     * for an event no decision on this table could have produced.
     */
    public PageTable apply(PageTableEvent event) {
        TableEditor editor = new TableEditor(this);
        if (event instanceof Mapped m) {
            for (MapSegment s : m.segments()) {
                editor.map(s);
            }
        } else if (event instanceof Unmapped u) {
            for (UnmapSegment s : u.segments()) {
                editor.unmap(s.iova(), s.iova() + s.size());
            }
        }
        return editor.build();
    }

    /** Decide and apply. */
    public UpdateResult map(MapBatch batch) {
        return update(decideMap(batch));
    }

    public UpdateResult map(long iova, long pa, long size, Prot prot) {
        return map(MapBatch.single(iova, pa, size, prot));
    }

    public UpdateResult unmap(UnmapBatch batch) {
        return update(decideUnmap(batch));
    }

    public UpdateResult unmap(long iova, long size) {
        return unmap(UnmapBatch.single(iova, size));
    }

    private UpdateResult update(Decision<?> decision) {
        if (decision instanceof Decision.Accepted<?> a) {
            return new UpdateResult.Updated(apply(a.event()), a.event());
        }
        return new UpdateResult.Failed(this, ((Decision.Rejected<?>) decision).error());
    }

    // ---- translation --------------------------------------------------------

    /** Walks the table for one input address, with no hardware update of the Access flag. */
    public WalkResult walk(long iova) {
        return walk(iova, false);
    }

    /**
     * Walks the table for one input address: the miss path, a plain descent.
     * A leaf with AF=0 is an Access fault unless {@code hardwareAccessFlag}
     * (HTTU enabled for this table), when the walk uses it as the SMMU would
     * after setting AF (Arm IHI 0070, 3.13.2; the model does not write the
     * flag back into the table, which only software changes).
     */
    public WalkResult walk(long iova, boolean hardwareAccessFlag) {
        if (Long.compareUnsigned(iova, geo.inputLimit) >= 0) {
            return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, geo.startLevel);
        }
        Node n = root;
        for (int level = geo.startLevel; ; level++) {
            int i = geo.index(iova, level);
            if (level < 3) {
                Node c = n.child(i);
                if (c != null) {
                    n = c;
                    continue;
                }
            }
            long d = n.entry(i);
            if ((d & DescriptorFormat.VALID) == 0) {
                return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, level);
            }
            if ((d & DescriptorFormat.AF) == 0 && !hardwareAccessFlag) {
                return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.ACCESS, level);
            }
            long size = geo.entrySize(level);
            return new WalkResult.Leaf(format.outputAddress(d) | (iova & (size - 1)), iova & -size, size, level,
                    format.perms(d));
        }
    }

    /**
     * {@link #walk(long)}, reporting every descriptor read to {@code sink}: the
     * walker's path on a walk-cache miss.
     */
    public WalkResult walk(long iova, DescriptorSink sink) {
        return walk(iova, false, sink);
    }

    /** {@link #walk(long, boolean)}, reporting every descriptor read to {@code sink}. */
    public WalkResult walk(long iova, boolean hardwareAccessFlag, DescriptorSink sink) {
        if (!inRange(iova)) {
            return walk(iova);
        }
        return walkDown(root, geo.startLevel, iova, hardwareAccessFlag, sink);
    }

    /**
     * Continues a walk at the level-{@code level} table page {@code tableId}, as
     * a walk-cache entry for level-1 directed: the descriptors above are not
     * read. If that table page is no longer in place (freed), the walk reads
     * its freed memory (see {@link DescriptorSink#freedTable}). The caller
     * checks {@link #inRange} first.
     */
    public WalkResult walkFrom(int level, long tableId, long iova, DescriptorSink sink) {
        return walkFrom(level, tableId, iova, false, sink);
    }

    /** {@link #walkFrom(int, long, long, DescriptorSink)} with HTTU's Access-flag rule. */
    public WalkResult walkFrom(int level, long tableId, long iova, boolean hardwareAccessFlag, DescriptorSink sink) {
        Node n = tableAt(level, iova);
        if (n == null || n.id != tableId) {
            sink.freedTable(level, iova, tableId);
            return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, level);
        }
        return walkDown(n, level, iova, hardwareAccessFlag, sink);
    }

    /**
     * Whether the level-{@code level} table page on {@code iova}'s path is
     * still {@code tableId}: false once that page was freed (what a walk-cache
     * entry naming it would lead a walk to read, {@link #walkFrom}).
     */
    public boolean holdsTable(int level, long tableId, long iova) {
        Node n = tableAt(level, iova);
        return n != null && n.id == tableId;
    }

    /**
     * The identity of the level-{@code level} table page on {@code iova}'s
     * path ({@link #ROOT_TABLE_ID} at the start level), or -1 when there is
     * none: the model's name for a table page, where hardware has its address.
     */
    public long tableIdAt(int level, long iova) {
        Node n = tableAt(level, iova);
        return n == null ? -1 : n.id;
    }

    /** The index of {@code iova}'s descriptor in its level-{@code level} table page. */
    public int descriptorIndex(int level, long iova) {
        return geo.index(iova, level);
    }

    private Node tableAt(int level, long iova) {
        Node n = root;
        for (int l = geo.startLevel; l < level && n != null; l++) {
            n = n.child(geo.index(iova, l));
        }
        return n;
    }

    private WalkResult walkDown(Node n, int from, long iova, boolean hardwareAccessFlag, DescriptorSink sink) {
        for (int level = from; ; level++) {
            int i = geo.index(iova, level);
            if (level < 3) {
                Node c = n.child(i);
                if (c != null) {
                    n = c;
                    sink.table(level, iova, n.id);
                    continue;
                }
            }
            long d = n.entry(i);
            if ((d & DescriptorFormat.VALID) == 0) {
                return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.TRANSLATION, level);
            }
            if ((d & DescriptorFormat.AF) == 0 && !hardwareAccessFlag) {
                // an Access fault caches nothing (Arm IHI 0070, 3.13.2): the sink never sees the leaf
                return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.ACCESS, level);
            }
            sink.leaf(level, iova, d);
            return leafOf(level, d, iova);
        }
    }

    /** The walk result a cached leaf descriptor (read at {@code level}) gives for {@code iova}. */
    public WalkResult.Leaf leafOf(int level, long descriptor, long iova) {
        long size = geo.entrySize(level);
        return new WalkResult.Leaf(format.outputAddress(descriptor) | (iova & (size - 1)), iova & -size, size, level,
                format.perms(descriptor));
    }

    /**
     * {@link #leafOf(int, long, long)} for a walk that may not use an AF=0 leaf:
     * a leaf cached for a walk with HTTU is an Access fault for one without.
     */
    public WalkResult leafOf(int level, long descriptor, long iova, boolean hardwareAccessFlag) {
        if ((descriptor & DescriptorFormat.AF) == 0 && !hardwareAccessFlag) {
            return WalkResult.WalkFault.of(WalkResult.WalkFault.Kind.ACCESS, level);
        }
        return leafOf(level, descriptor, iova);
    }

    /** Whether {@code iova} is below 2^IAS (a walk of anything else faults at the start level). */
    public boolean inRange(long iova) {
        return Long.compareUnsigned(iova, geo.inputLimit) < 0;
    }

    /** Bytes one descriptor at {@code level} covers. */
    public long entrySize(int level) {
        return geo.entrySize(level);
    }

    // ---- inspection ---------------------------------------------------------

    /** Every leaf, in address order. */
    public List<LeafEntry> leaves() {
        return leaves(0, geo.inputLimit);
    }

    /** The leaves intersecting [from, to), in address order. */
    public List<LeafEntry> leaves(long from, long to) {
        List<LeafEntry> out = new ArrayList<>();
        long end = Long.compareUnsigned(to, geo.inputLimit) > 0 ? geo.inputLimit : to;
        TableReader.forEachLeaf(geo, root, from, end, (iova, level, d) -> out.add(new LeafEntry(
                iova, geo.entrySize(level), level, format.outputAddress(d), format.perms(d),
                DescriptorFormat.areaStart(d), DescriptorFormat.areaEnd(d), d)));
        return out;
    }

    public long leafCount() {
        return leafCount;
    }

    public long mappedBytes() {
        return mappedBytes;
    }

    public DomainSpec spec() {
        return spec;
    }

    /** The leaf descriptor layout of this table. */
    public DescriptorFormat format() {
        return format;
    }

    /**
     * A stable 64-bit hash of the ordered (IOVA, descriptor) leaves: equal
     * tables of the same spec have equal digests across runs and JVMs.
     */
    public long digest() {
        return digest;
    }

    /** The level a walk starts at (-1 for a 4K granule above 48 bits, as with FEAT_LPA2). */
    public int startLevel() {
        return geo.startLevel;
    }

    /** The id the next allocated table page gets: ids grow and are never reused. */
    long nextTableId() {
        return nextTableId;
    }

    TableGeometry geometry() {
        return geo;
    }

    Node root() {
        return root;
    }

    @Override
    public String toString() {
        return "PageTable[" + spec.tableFormat() + " " + spec.granule().label() + " ias=" + spec.ias()
                + " leaves=" + leafCount + " bytes=0x" + Long.toHexString(mappedBytes)
                + " digest=" + Long.toHexString(digest) + "]";
    }
}
