package org.iommusim.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.protocol.capability.SmmuCapabilities;
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
 * A driver's flow on each SMMU, the same wherever the partitions run: a
 * stage-1 domain per SMMU, pages mapped, CD and STE written, CFGI + CMD_SYNC,
 * translations (filling the TBUs' TLBs), an unmap with TLBI + CMD_SYNC, and
 * the translations again (the unmapped page must fault: no invalidated entry
 * returns). Every answer's line is recorded in order.
 */
public final class Workload {
    static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    static final int PAGES = 8;

    /** Sends one request to SMMU {@code smmu}'s partition and waits for its answer. */
    public interface Target extends BiFunction<Integer, Function<ActorRef<PartitionReply>, PartitionCommand>,
            PartitionReply.Done> {}

    private Workload() {}

    static long domain(int smmu) {
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

    /** Domain, pages, CD, STE, CFGI + sync for SMMU {@code smmu}. */
    static void attach(Target t, int smmu, List<String> lines) {
        long d = domain(smmu);
        int asid = 1 + smmu;
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.AllocateDomain(d,
                DomainSpec.stage1(Granule.G4K, 48, 48, asid), r))));
        List<MapSegment> segs = new ArrayList<>();
        for (int p = 0; p < PAGES; p++) {
            segs.add(new MapSegment(iova(p), 0x8000_0000L + (smmu << 24) + p * 0x1000L, 0x1000, Prot.rw()));
        }
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.Map(d, segs, r))));
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.WriteCd(1, 0, Cd.of(asid, DomainId.of(d)), r))));
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.WriteSte(1, Ste.stage1(0, S1Dss.SSID0), r))));
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.Submit(raw(new CfgiSte(1, false), CmdSync.poll()),
                r))));
    }

    static void translateAll(Target t, int smmu, List<String> lines) {
        for (int p = 0; p < PAGES; p++) {
            TranslationRequest req = TranslationRequest.of(1, iova(p) + 0x10, p % 2 == 0 ? Access.READ : Access.WRITE);
            lines.add(line(t.apply(smmu, r -> new PartitionCommand.Translate(req, r))));
        }
    }

    /** Unmaps page {@code page} and invalidates it (TLBI + CMD_SYNC). */
    static void unmap(Target t, int smmu, int page, List<String> lines) {
        long d = domain(smmu);
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.Unmap(d, List.of(new UnmapSegment(iova(page), 0x1000)),
                r))));
        lines.add(line(t.apply(smmu, r -> new PartitionCommand.Submit(raw(TlbiNhVa.of(0, 1 + smmu, iova(page), true),
                CmdSync.poll()), r))));
    }

    static String describe(Target t, int smmu) {
        return line(t.apply(smmu, r -> new PartitionCommand.Describe(List.of(domain(smmu)), r)));
    }

    /** The whole flow on SMMUs {@code 0..smmus-1}, interleaved step by step. */
    public static List<String> run(Target t, int smmus) {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < smmus; s++) {
            attach(t, s, lines);
        }
        for (int s = 0; s < smmus; s++) {
            translateAll(t, s, lines);
        }
        for (int s = 0; s < smmus; s++) {
            unmap(t, s, s, lines);
            translateAll(t, s, lines);
        }
        for (int s = 0; s < smmus; s++) {
            lines.add("smmu-" + s + " " + describe(t, s));
        }
        return lines;
    }

    static String line(PartitionReply.Done d) {
        return d.value() + (d.text().isEmpty() ? "" : " " + d.text());
    }
}
