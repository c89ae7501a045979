package org.iommusim.persistence.domain;

import static org.iommusim.persistence.serialization.VocabularyCodecs.readCount;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.pagetable.LeafEntry;
import org.iommusim.persistence.pagetable.TablePage;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.pagetable.PageTableEvent;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.persistence.serialization.BinaryCodec;
import org.iommusim.persistence.serialization.JournalCodecs;
import org.iommusim.persistence.serialization.VocabularyCodecs;
import org.iommusim.protocol.domain.DomainSpec;

/**
 * Binary forms of domain events and snapshots. A map event is its segments
 * (25 bytes each); a snapshot is the spec plus every leaf as (IOVA, level,
 * descriptor), restored bit for bit.
 */
public final class DomainCodecs {
    private DomainCodecs() {}

    private static final byte MAPPED = 0;
    private static final byte UNMAPPED = 1;

    public static void register(JournalCodecs codecs) {
        codecs.register("D.A", DomainEvent.Allocated.class, new BinaryCodec<DomainEvent.Allocated>() {
            @Override
            public void write(DomainEvent.Allocated v, DataOutput out) throws IOException {
                VocabularyCodecs.writeSpec(v.spec(), out);
            }

            @Override
            public DomainEvent.Allocated read(DataInput in) throws IOException {
                return new DomainEvent.Allocated(VocabularyCodecs.readSpec(in));
            }
        });
        codecs.register("D.T", DomainEvent.TableChanged.class, new BinaryCodec<DomainEvent.TableChanged>() {
            @Override
            public void write(DomainEvent.TableChanged v, DataOutput out) throws IOException {
                PageTableEvent change = v.change();
                if (change instanceof Mapped m) {
                    out.writeByte(MAPPED);
                    VocabularyCodecs.writeMapSegments(m.segments(), out);
                } else {
                    out.writeByte(UNMAPPED);
                    VocabularyCodecs.writeUnmapSegments(((Unmapped) change).segments(), out);
                }
            }

            @Override
            public DomainEvent.TableChanged read(DataInput in) throws IOException {
                byte kind = in.readByte();
                return switch (kind) {
                    case MAPPED -> new DomainEvent.TableChanged(new Mapped(VocabularyCodecs.readMapSegments(in)));
                    case UNMAPPED -> new DomainEvent.TableChanged(new Unmapped(VocabularyCodecs.readUnmapSegments(in)));
                    default -> throw new IOException("corrupt table change: kind " + kind);
                };
            }
        });
        codecs.register("D.F", DomainEvent.Freed.class, new BinaryCodec<DomainEvent.Freed>() {
            @Override
            public void write(DomainEvent.Freed v, DataOutput out) {}

            @Override
            public DomainEvent.Freed read(DataInput in) {
                return new DomainEvent.Freed();
            }
        });
        codecs.register("D.S.U", DomainState.Unallocated.class, new BinaryCodec<DomainState>() {
            @Override
            public void write(DomainState v, DataOutput out) {}

            @Override
            public DomainState read(DataInput in) {
                return DomainState.initial();
            }
        });
        // before table identities (read only): the table pages get identities in leaf order, the same ones at
        // every start from this snapshot; a journal this old has no TCU log whose entries could name others
        codecs.register("D.S.A", DomainState.Active.class, new BinaryCodec<DomainState.Active>() {
            @Override
            public void write(DomainState.Active v, DataOutput out) {
                throw new UnsupportedOperationException("domain snapshots D.S.A are read only: D.S.A2 is written");
            }

            @Override
            public DomainState.Active read(DataInput in) throws IOException {
                DomainSpec spec = VocabularyCodecs.readSpec(in);
                return new DomainState.Active(PageTable.restore(spec, readLeaves(in)));
            }
        });
        // the later registration is the one written: leaves, then every table page's identity
        codecs.register("D.S.A2", DomainState.Active.class, new BinaryCodec<DomainState.Active>() {
            @Override
            public void write(DomainState.Active v, DataOutput out) throws IOException {
                VocabularyCodecs.writeSpec(v.spec(), out);
                List<LeafEntry> leaves = v.pageTable().leaves();
                out.writeInt(leaves.size());
                for (LeafEntry leaf : leaves) {
                    out.writeLong(leaf.iova());
                    out.writeByte(leaf.level());
                    out.writeLong(leaf.descriptor());
                }
                List<TablePage> pages = v.pageTable().tablePages();
                out.writeInt(pages.size());
                for (TablePage p : pages) {
                    out.writeByte(p.level());
                    out.writeLong(p.base());
                    out.writeLong(p.id());
                }
                out.writeLong(v.pageTable().nextTableIdentity());
            }

            @Override
            public DomainState.Active read(DataInput in) throws IOException {
                DomainSpec spec = VocabularyCodecs.readSpec(in);
                List<LeafEntry> leaves = readLeaves(in);
                int n = readCount(in);
                List<TablePage> pages = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    pages.add(new TablePage(in.readByte(), in.readLong(), in.readLong()));
                }
                return new DomainState.Active(PageTable.restore(spec, leaves, pages, in.readLong()));
            }
        });
        codecs.register("D.S.F", DomainState.Freed.class, new BinaryCodec<DomainState.Freed>() {
            @Override
            public void write(DomainState.Freed v, DataOutput out) throws IOException {
                VocabularyCodecs.writeSpec(v.spec(), out);
            }

            @Override
            public DomainState.Freed read(DataInput in) throws IOException {
                return new DomainState.Freed(VocabularyCodecs.readSpec(in));
            }
        });
    }

    private static List<LeafEntry> readLeaves(DataInput in) throws IOException {
        int n = readCount(in);
        List<LeafEntry> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long iova = in.readLong();
            int level = in.readByte();
            long descriptor = in.readLong();
            leaves.add(new LeafEntry(iova, 0, level, 0, null, false, false, descriptor));
        }
        return leaves;
    }
}
