package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.iommusim.persistence.config.StreamConfig;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.iotlb.IotlbConfig;
import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbShard;
import org.iommusim.persistence.pagetable.PageTable;
import org.iommusim.persistence.replay.DomainFolder;
import org.iommusim.persistence.replay.IotlbFolder;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.SmmuFolder;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.translate.ConfigResolution;
import org.iommusim.persistence.translate.JournaledGuestMemory;
import org.iommusim.persistence.translate.Outcome;
import org.iommusim.persistence.translate.StreamContext;
import org.iommusim.persistence.translate.TranslationEngine;
import org.iommusim.protocol.bits.Hex;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim translate --journal DIR --sid S [--ssid N] --iova A
 * [--access r|w|x] [--privileged] [--smmu ID] [--at G|t=TIME]}: what the model
 * would answer at that point, and why. The point is a global sequence number
 * (or the last one decided by a virtual time): the SMMU, the domains and the
 * IOTLB shard that serves the request are each rebuilt with every event
 * decided up to it, so the three are at one exact point of the causal order;
 * then the pure engine runs, step by step: the configuration in force, the
 * IOTLB (hit, or miss and walk), the permission check, the answer. A journal
 * written before stamps: {@code --at} is the SMMU's sequence number, and the
 * others are brought to its write time (with a note).
 */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = {"What the recorded model would answer for one DMA at a point of its history, and why."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:answered (a fault is an answer)", "2:the journal or the arguments are unusable"})
public final class TranslateCommand extends JournalCommand {

    @Option(names = "--sid", required = true, paramLabel = "S", description = "StreamID (decimal or 0x hex)")
    String sid;

    @Option(names = "--ssid", paramLabel = "N", description = "SubstreamID (PASID), if the transaction has one")
    String ssid;

    @Option(names = "--iova", required = true, paramLabel = "A", description = "the input address, hex")
    String iova;

    @Option(names = "--access", paramLabel = "r|w|x", defaultValue = "r", description = "read, write or exec (default r)")
    String access;

    @Option(names = "--privileged", description = "a privileged transaction (PnU=1)")
    boolean privileged;

    @Option(names = "--smmu", paramLabel = "ID", defaultValue = "smmu-0",
            description = "the SMMU: smmu-<n> or just <n> (default smmu-0)")
    String smmuId;

    @Option(names = "--at", paramLabel = "G|t=TIME", description = {"the point: a global sequence number, or a virtual"
            + " time (t=112656ns; us, ms, s too) meaning the last event decided by then (default: the last event);",
            "in a journal from before causal stamps, the SMMU's sequence number"})
    String at;

    /** Where each entity is rebuilt to: one point of the causal order, or (older journals) one write time. */
    private interface Alignment {
        <S> S state(String persistenceId, org.iommusim.persistence.replay.StateFolder<S> folder);

        /** The entity's last event at the point. */
        long seq(String persistenceId);
    }

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        if (smmuId.strip().matches("\\d+")) {
            smmuId = "smmu-" + smmuId.strip().replaceFirst("^0+(?=\\d)", "");
        }
        if (!reader.contains(smmuId)) {
            throw new UserError("no entity '" + smmuId + "' in the journal");
        }
        TranslationRequest request = request();
        long last = reader.highestSequenceNr(smmuId);
        Alignment align;
        SmmuState smmu;
        String where;
        if (stampedOrNote(reader)) {
            long g = at == null ? reader.findings().highestGsn() : CausalPoint.parse("--at", at).resolve(reader, "--at");
            align = new Alignment() {
                @Override
                public <S> S state(String pid, org.iommusim.persistence.replay.StateFolder<S> folder) {
                    return EntityAtTime.stateAtGsn(reader, pid, g, folder);
                }

                @Override
                public long seq(String pid) {
                    return EntityAtTime.seqAtGsn(reader, pid, g);
                }
            };
            long seq = EntityAtTime.seqAtGsn(reader, smmuId, g);
            smmu = StateReplay.at(reader, smmuId, seq, new SmmuFolder()).state();
            String point = CausalPoint.describe(reader, g);
            where = "at " + point;
            out.printf("%s %s (%s #%d of %d); domains and IOTLB at the same point of the causal order%n", smmuId,
                    point, smmuId, seq, last);
        } else {
            long seq;
            try {
                seq = at == null ? last : Long.parseLong(at.strip());
            } catch (NumberFormatException e) {
                throw new UserError("--at '" + at + "': this journal carries no causal stamps; name " + smmuId
                        + "'s sequence number");
            }
            if (seq < 0 || seq > last) {
                throw new UserError("--at " + seq + " is outside " + smmuId + "'s events (#0 is the start, #" + last
                        + " the last)");
            }
            long time = EntityAtTime.timeOf(reader, smmuId, seq);
            align = new Alignment() {
                @Override
                public <S> S state(String pid, org.iommusim.persistence.replay.StateFolder<S> folder) {
                    return EntityAtTime.stateAt(reader, pid, time, folder);
                }

                @Override
                public long seq(String pid) {
                    return EntityAtTime.seqAt(reader, pid, time);
                }
            };
            smmu = StateReplay.at(reader, smmuId, seq, new SmmuFolder()).state();
            where = "at #" + seq;
            out.printf("%s at #%d of %d; domains and IOTLB at the same write time%n", smmuId, seq, last);
        }
        if (!smmu.configured()) {
            throw new UserError(smmuId + " is not configured " + where + ": nothing translates yet");
        }
        Map<DomainId, PageTable> tables = new HashMap<>();
        StreamConfig config = smmu.config().effective(request.sid());
        org.iommusim.persistence.tcu.Tcu tcu = null;
        if (smmu.configBounded()) {
            tcu = tcuAt(reader, smmu, align);
            config = boundedConfig(reader, tcu, smmu, request.sid(), align);
        }
        out.println("request   " + describe(request));
        out.println("STE       " + ConfigText.ste(config.ste()));
        out.println("CDs       " + ConfigText.cds(config.cds()));
        // a guest's own stage-1 tables are read from what the journaled fills read, not from the embedder
        JournaledGuestMemory guest = guestMemory(reader, smmu, request, align);
        if (config.ste().guestCds()) {
            out.printf("guest     CD table in guest memory at IPA 0x%x%n", config.ste().s1ContextPtr());
        }
        StreamContext context = ConfigResolution.resolve(request.sid(), request.ssv(), request.ssid(), smmu.caps(),
                tcu == null ? config : guestCds(config, tcu, request.sid()),
                id -> tables.computeIfAbsent(id, d -> tableAt(reader, d, align)), guest);
        if (context instanceof StreamContext.Translate t && t.fetches() != null && t.fetches().guest() != null) {
            out.printf("guest     stage-1 tables in guest memory at IPA 0x%x: %d descriptors from %d journaled fills%n",
                    t.fetches().ttb0(), guest.addresses(), guest.fills());
        }
        out.println("context   " + describe(context));
        IotlbShard shard = shard(reader, smmu, request, align);
        if (context instanceof StreamContext.Translate t) {
            IotlbEntry cached = shard.peek(t.vmid(), t.asid(), t.kind(), request.iova()).orElse(null);
            out.println("IOTLB     " + (cached == null ? "miss: walk the tables" : "hit " + cached));
            if (cached == null) {
                if (t.s1() != null && (t.fetches() == null || t.fetches().guest() == null)) {
                    out.println("stage 1   " + describe(t.s1().walk(request.iova())));
                }
                if (t.s2() != null && t.s1() == null) {
                    out.println("stage 2   " + describe(t.s2().walk(request.iova())));
                }
            }
        }
        Outcome o = TranslationEngine.translate(request, context, shard);
        out.println("answer    " + o.result().toText());
        return 0;
    }

    private TranslationRequest request() {
        long address;
        try {
            address = Hex.parseWord(iova);
        } catch (NumberFormatException e) {
            throw new UserError("--iova: " + e.getMessage());
        }
        int s = parseId("--sid", sid);
        Access a;
        try {
            a = Access.parse(access);
        } catch (IllegalArgumentException e) {
            throw new UserError("--access: " + e.getMessage());
        }
        if (ssid == null) {
            return new TranslationRequest(s, false, 0, address, a, privileged);
        }
        int ss = parseId("--ssid", ssid);
        if (ss < 0 || ss > 0xFFFFF) {
            throw new UserError("--ssid: 0x" + Integer.toHexString(ss) + " is beyond 20 bits");
        }
        return new TranslationRequest(s, true, ss, address, a, privileged);
    }

    private static int parseId(String option, String text) {
        try {
            String t = text.strip();
            return t.startsWith("0x") || t.startsWith("0X") ? Integer.parseUnsignedInt(t.substring(2), 16)
                    : Integer.parseUnsignedInt(t);
        } catch (NumberFormatException e) {
            throw new UserError(option + ": '" + text + "' is not a number");
        }
    }

    /**
     * With a bounded configuration cache: what the translation would read, rebuilt to the same point: the
     * TCU's cached STE and CDs where held, else the stream's memory (what a miss reads).
     */
    private org.iommusim.persistence.tcu.Tcu tcuAt(JournalReader reader, SmmuState smmu, Alignment align) {
        String tcuPid = org.iommusim.actors.translate.TcuKeeper.persistenceId(smmuId);
        return reader.contains(tcuPid)
                ? align.state(tcuPid, new org.iommusim.persistence.replay.TcuFolder()).tcu()
                : new org.iommusim.persistence.tcu.Tcu(smmu.caps().tcu());
    }

    /**
     * {@code config} with the CDs of a CD table in guest memory as the replayed TCU holds them at the point; one it
     * does not hold is fetched from what the journaled fetches read ({@link JournaledGuestMemory}), not cached.
     */
    private static org.iommusim.persistence.config.ConfigSource guestCds(StreamConfig config,
            org.iommusim.persistence.tcu.Tcu tcu, int sid) {
        return new org.iommusim.persistence.config.ConfigSource() {
            @Override
            public org.iommusim.protocol.config.Ste ste() {
                return config.ste();
            }

            @Override
            public org.iommusim.protocol.config.Cd cd(int ssid) {
                return config.cd(ssid);
            }

            @Override
            public org.iommusim.persistence.config.GuestCdFetch guestCd(int ssid, long ipa, PageTable s2,
                    boolean hardwareAfS2, org.iommusim.protocol.memory.GuestMemory memory,
                    org.iommusim.protocol.capability.SmmuCapabilities caps) {
                org.iommusim.persistence.config.GuestCd held = tcu.heldGuestCd(sid, ssid);
                return held != null ? new org.iommusim.persistence.config.GuestCdFetch.Fetched(held)
                        : org.iommusim.persistence.config.GuestCdFetch.fetch(ipa, s2, hardwareAfS2, memory);
            }
        };
    }

    private StreamConfig boundedConfig(JournalReader reader, org.iommusim.persistence.tcu.Tcu tcu, SmmuState smmu,
            int sid, Alignment align) {
        String streamPid = org.iommusim.actors.smmu.StreamEntity.persistenceId(smmuId, sid);
        StreamConfig memory = reader.contains(streamPid)
                ? align.state(streamPid, new org.iommusim.persistence.replay.StreamFolder()).memory()
                : StreamConfig.UNCONFIGURED;
        return tcu.configInForce(smmu.config(), sid, new org.iommusim.persistence.config.StreamMemoryView() {
            @Override
            public java.util.Optional<StreamConfig> stream(int s) {
                return s == sid ? java.util.Optional.of(memory) : java.util.Optional.empty();
            }

            @Override
            public java.util.SortedSet<Long> writtenSids(long first, long count) {
                return new java.util.TreeSet<>();
            }
        });
    }

    private static PageTable tableAt(JournalReader reader, DomainId id, Alignment align) {
        if (!reader.contains(id.persistenceId())) {
            return null;
        }
        DomainState s = align.state(id.persistenceId(), new DomainFolder());
        return s.table().orElse(null);
    }

    /** The guest-memory reads journaled with the fills of the request's TBU, up to the point. */
    private JournaledGuestMemory guestMemory(JournalReader reader, SmmuState smmu, TranslationRequest r,
            Alignment align) {
        JournaledGuestMemory m = new JournaledGuestMemory();
        String tcuPid = org.iommusim.actors.translate.TcuKeeper.persistenceId(smmuId);
        if (smmu.configBounded() && reader.contains(tcuPid)) {
            // the CDs fetched from guest memory, journaled with the TCU's configuration-cache fills
            try (org.iommusim.persistence.replay.EventCursor c = reader.events(tcuPid, 1, align.seq(tcuPid))) {
                c.forEachRemaining(e -> m.record(e.payload()));
            }
        }
        String pid = org.iommusim.actors.translate.TranslationWorker.persistenceId(smmuId, smmu.caps().tbuOf(r.sid()));
        if (!reader.contains(pid)) {
            return m;
        }
        try (org.iommusim.persistence.replay.EventCursor c = reader.events(pid, 1, align.seq(pid))) {
            c.forEachRemaining(e -> m.record(e.payload()));
        }
        return m;
    }

    /**
     * The TLB of the TBU serving this request's stream, rebuilt to the same
     * point. An older journal's IOTLB shards ({@code iotlb-<k>}) are not
     * consulted: a start flushes them, so no model would hit in them again.
     */
    private IotlbShard shard(JournalReader reader, SmmuState smmu, TranslationRequest r, Alignment align) {
        int k = smmu.caps().tbuOf(r.sid());
        String pid = org.iommusim.actors.translate.TranslationWorker.persistenceId(smmuId, k);
        if (!reader.contains(pid)) {
            return IotlbShard.empty(IotlbConfig.ofTbu(smmu.caps(), k));
        }
        return align.state(pid, new IotlbFolder()).shard();
    }

    private static String describe(TranslationRequest r) {
        org.iommusim.protocol.bits.TextLine line = org.iommusim.protocol.bits.TextLine.of(r.access().name())
                .hex("sid", Integer.toUnsignedLong(r.sid()));
        if (r.ssv()) {
            line.hex("ssid", r.ssid());
        }
        return line.hex("iova", r.iova()).flag("privileged", r.privileged()).toString();
    }

    private static String describe(org.iommusim.persistence.pagetable.WalkResult w) {
        if (w instanceof org.iommusim.persistence.pagetable.WalkResult.Leaf l) {
            return org.iommusim.protocol.bits.TextLine.of("leaf").hex("base", l.leafBase()).hex("size", l.size())
                    .dec("level", l.level()).hex("pa", l.outputAddress()).word("perms", l.perms().compact()).toString();
        }
        var f = (org.iommusim.persistence.pagetable.WalkResult.WalkFault) w;
        return f.kind() + " fault at level " + f.level();
    }

    private static String describe(StreamContext c) {
        if (c instanceof StreamContext.Translate t) {
            return t.kind() + " vmid=0x" + Integer.toHexString(t.vmid())
                    + (t.asid() >= 0 ? " asid=0x" + Integer.toHexString(t.asid()) : "")
                    + (t.s1() != null ? " stage1=" + t.s1().spec().stage() + " table" : "")
                    + (t.s2() != null ? " stage2 table" : "");
        }
        if (c instanceof StreamContext.ConfigFault f) {
            return "configuration fault: " + f.event().toText();
        }
        if (c instanceof StreamContext.Terminate t) {
            return "terminate: " + t.reason();
        }
        if (c instanceof StreamContext.CdFetchFault f) {
            return "CD fetch refused by stage 2 at IPA 0x" + Long.toHexString(f.ipa());
        }
        return "bypass";
    }
}
