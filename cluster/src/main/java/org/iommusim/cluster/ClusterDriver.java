package org.iommusim.cluster;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.domain.UnmapSegment;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;

/**
 * Linux's driver flow on one SMMU partition, through any node: a stage-1
 * domain (id {@code 100 + smmu}, ASID {@code 1 + smmu}) behind stream 1, then
 * pages mapped, or unmapped and invalidated with TLBI + CMD_SYNC. Used by
 * {@code iommu-sim cluster --drive} and the cluster benchmark.
 */
public final class ClusterDriver {
    public static final int PAGES = 64;

    private final ClusterNode node;
    private final int smmu;
    private final boolean[] mapped = new boolean[PAGES];

    public ClusterDriver(ClusterNode node, int smmu) {
        this.node = node;
        this.smmu = smmu;
    }

    long domain() {
        return 100 + smmu;
    }

    static long iova(int page) {
        return 0x4000_0000L + page * 0x1000L;
    }

    static List<RawCommand> raw(Command... commands) {
        List<RawCommand> out = new ArrayList<>();
        for (Command c : commands) {
            out.add(c.encode());
        }
        return out;
    }

    /** Domain, CD, STE, CFGI + CMD_SYNC: 4 durable commands. */
    public void attach() {
        long d = domain();
        int asid = 1 + smmu;
        node.call(smmu, r -> new PartitionCommand.AllocateDomain(d, DomainSpec.stage1(Granule.G4K, 48, 48, asid), r));
        node.call(smmu, r -> new PartitionCommand.WriteCd(1, 0, Cd.of(asid, DomainId.of(d)), r));
        node.call(smmu, r -> new PartitionCommand.WriteSte(1, Ste.stage1(0, S1Dss.SSID0), r));
        node.call(smmu, r -> new PartitionCommand.Submit(raw(new CfgiSte(1, false), CmdSync.poll()), r));
    }

    /**
     * Flips one page: maps it (1 durable command), or translates it, unmaps it
     * and invalidates it with TLBI + CMD_SYNC (2 durable commands). Returns
     * the durable commands acknowledged.
     */
    public int flip(int page) {
        long d = domain();
        if (!mapped[page]) {
            node.call(smmu, r -> new PartitionCommand.Map(d, List.of(new MapSegment(iova(page),
                    0x8000_0000L + ((long) smmu << 24) + page * 0x1000L, 0x1000, Prot.rw())), r));
            mapped[page] = true;
            return 1;
        }
        TranslationRequest req = TranslationRequest.of(1, iova(page), Access.READ);
        node.call(smmu, r -> new PartitionCommand.Translate(req, r));
        node.call(smmu, r -> new PartitionCommand.Unmap(d, List.of(new UnmapSegment(iova(page), 0x1000)), r));
        node.call(smmu, r -> new PartitionCommand.Submit(raw(TlbiNhVa.of(0, 1 + smmu, iova(page), true),
                CmdSync.poll()), r));
        mapped[page] = false;
        return 2;
    }

    /** The partition's line: invalidations, completed syncs, consumer index, the domain's digest and leaves. */
    public String describe() {
        return node.call(smmu, r -> new PartitionCommand.Describe(List.of(domain()), r)).text();
    }
}
