package org.iommusim.actors.translate;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.iommusim.actors.JournalIds;
import org.iommusim.actors.domain.DomainDirectory;
import org.iommusim.actors.domain.DomainEntity;
import org.iommusim.actors.domain.PageTableViews;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.actors.smmu.StreamEntity;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.protocol.translate.TranslationBurst;
import org.iommusim.protocol.translate.TranslationRequest;
import org.iommusim.protocol.translate.TranslationResult;

/** Domains, one SMMU node with a translation pool, on one LevelDB directory: a whole model, started like a real run. */
record ModelHarness(ActorTestKit kit, ActorRef<DomainDirectory.Command> domains, ActorRef<SmmuNode.Command> node,
        SmmuNode.Handles handles, PageTableViews views) {
    static final Duration WAIT = Duration.ofSeconds(10);

    static <T> T run(Path dir, SmmuCapabilities caps, int workers, Function<ModelHarness, T> body) {
        return run(dir, caps, workers, TranslationWorker.Settings.defaults(), body);
    }

    static <T> T run(Path dir, SmmuCapabilities caps, int workers, TranslationWorker.Settings pool,
            Function<ModelHarness, T> body) {
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorTestKit kit = ActorTestKit.create("model", journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            List<String> ids = JournalIds.current(kit.system(), WAIT);
            PageTableViews views = new PageTableViews();
            ActorRef<DomainDirectory.Command> domains = kit.spawn(
                    DomainDirectory.create(DomainEntity.Settings.defaults(), views), "domains");
            // recover every domain before translating, so its view is published
            for (String id : ids) {
                if (id.startsWith("domain-")) {
                    TestProbe<org.iommusim.persistence.domain.DomainState> p = kit.createTestProbe();
                    domains.tell(new DomainDirectory.Deliver(DomainId.of(Long.parseLong(id.substring(7))),
                            new DomainEntity.GetState(p.getRef())));
                    p.receiveMessage(WAIT);
                }
            }
            SmmuNode.Handles handles = new SmmuNode.Handles();
            SmmuNode.Setup setup = new SmmuNode.Setup("smmu-0", caps, SmmuEntity.Settings.defaults(),
                    pool, workers, 64, SmmuNode.streamsOf("smmu-0", ids), List.of());
            ActorRef<SmmuNode.Command> node = kit.spawn(SmmuNode.create(setup, handles, views), "smmu-0");
            ModelHarness h = new ModelHarness(kit, domains, node, handles, views);
            TestProbe<org.iommusim.persistence.smmu.SmmuState> p = kit.createTestProbe();
            node.tell(new SmmuNode.ToSmmu(new SmmuEntity.GetState(p.getRef())));
            p.receiveMessage(WAIT);
            T result = body.apply(h);
            h.closeCleanly();
            return result;
        } finally {
            kit.shutdownTestKit();
            journal.release();
        }
    }

    /**
     * A clean close, as {@code IommuSim.close} makes it: the workers' closing flush, the SMMU stopped between two
     * writes, the TCU's closing flush. Without it a stop is a crash, and the next start empties the TLBs and the
     * TCU's caches (their acknowledgement markers are still set).
     */
    void closeCleanly() {
        if (handles.pool() == null) {
            return;
        }
        handles.pool().close("the harness stops").toCompletableFuture().orTimeout(WAIT.toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS).join();
        TestProbe<org.apache.pekko.Done> quiet = kit.createTestProbe();
        node.tell(new SmmuNode.Quiesce(quiet.getRef()));
        quiet.receiveMessage(WAIT);
        handles.flushTcu().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        handles.pool().settled().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    DomainEntity.Reply allocate(DomainId id, DomainSpec spec, SmmuCapabilities caps) {
        TestProbe<DomainEntity.Reply> p = kit.createTestProbe();
        domains.tell(new DomainDirectory.Allocate(id, spec, caps, p.getRef()));
        return p.receiveMessage(WAIT);
    }

    DomainEntity.Reply map(DomainId id, MapBatch batch) {
        TestProbe<DomainEntity.Reply> p = kit.createTestProbe();
        domains.tell(new DomainDirectory.Deliver(id, new DomainEntity.Map(batch, p.getRef())));
        return p.receiveMessage(WAIT);
    }

    DomainEntity.Reply unmap(DomainId id, UnmapBatch batch) {
        TestProbe<DomainEntity.Reply> p = kit.createTestProbe();
        domains.tell(new DomainDirectory.Deliver(id, new DomainEntity.Unmap(batch, p.getRef())));
        return p.receiveMessage(WAIT);
    }

    void writeSte(int sid, Ste ste) {
        TestProbe<StreamEntity.Reply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToStream(sid, new StreamEntity.WriteSte(ste, p.getRef())));
        p.receiveMessage(WAIT);
    }

    void writeCd(int sid, int ssid, Cd cd) {
        TestProbe<StreamEntity.Reply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToStream(sid, new StreamEntity.WriteCd(ssid, cd, p.getRef())));
        p.receiveMessage(WAIT);
    }

    /** Submits and waits until the consumer has passed the last entry: what a driver polling CONS does. */
    void submitAndWait(Command... commands) {
        List<RawCommand> raws = new ArrayList<>();
        for (Command c : commands) {
            raws.add(c.encode());
        }
        TestProbe<SmmuEntity.SubmitReply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToSmmu(new SmmuEntity.Submit(raws, p.getRef())));
        SmmuEntity.Accepted a = (SmmuEntity.Accepted) p.receiveMessage(WAIT);
        TestProbe<SmmuEntity.ConsumeReply> c = kit.createTestProbe();
        node.tell(new SmmuNode.ToSmmu(new SmmuEntity.AwaitConsumed(a.prod() - 1, c.getRef())));
        if (!(c.receiveMessage(WAIT) instanceof SmmuEntity.ConsumedPast)) {
            throw new AssertionError("the command queue halted");
        }
    }

    TranslationResult translate(TranslationRequest r) {
        java.util.concurrent.CompletableFuture<TranslationResult> f = new java.util.concurrent.CompletableFuture<>();
        handles.pool().translate(r, o -> f.complete(o.result()));
        return await(f);
    }

    List<TranslationResult> burst(List<TranslationRequest> requests) {
        TranslationBurst b = new TranslationBurst(requests.size());
        requests.forEach(b::add);
        java.util.concurrent.CompletableFuture<TranslationBurst> f = new java.util.concurrent.CompletableFuture<>();
        handles.pool().submit(b, f::complete);
        TranslationBurst done = await(f);
        List<TranslationResult> out = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            out.add(done.result(i));
        }
        return out;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }

    /** Every TBU's report, by TBU index. */
    List<TranslationWorker.TbuReport> shards() {
        List<TranslationWorker.TbuReport> out = new ArrayList<>();
        for (ActorRef<TranslationWorker.Command> w : handles.pool().workers()) {
            TestProbe<TranslationWorker.ShardReport> p = kit.createTestProbe();
            w.tell(new TranslationWorker.GetShard(p.getRef()));
            out.addAll(p.receiveMessage(WAIT).tbus());
        }
        out.sort(java.util.Comparator.comparingInt(TranslationWorker.TbuReport::tbu));
        return out;
    }
}
