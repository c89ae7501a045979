package org.iommusim.actors.smmu;

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
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/** One ActorSystem on a LevelDB directory with one SMMU node; recovers known streams like a real start. */
record SmmuHarness(ActorTestKit kit, ActorRef<SmmuNode.Command> node, SmmuViews views, StreamMemoryBoard board) {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String ID = "smmu-0";

    static <T> T run(Path dir, SmmuCapabilities caps, Function<SmmuHarness, T> body) {
        return run(dir, caps, List.of(), body);
    }

    /** With invalidation-port subscribers known from the start, as the translation pool's workers are. */
    static <T> T run(Path dir, SmmuCapabilities caps, List<ActorRef<InvalidationPort.Invalidate>> subscribers,
            Function<SmmuHarness, T> body) {
        JournalSettings journal = JournalSettings.levelDb(dir).prepare();
        ActorTestKit kit = ActorTestKit.create("smmu", journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            List<Integer> sids = SmmuNode.streamsOf(ID, JournalIds.current(kit.system(), WAIT));
            SmmuNode.Handles handles = new SmmuNode.Handles();
            SmmuNode.Setup setup = new SmmuNode.Setup(ID, caps, SmmuEntity.Settings.defaults(),
                    org.iommusim.actors.translate.TranslationWorker.Settings.defaults(), 0, 64, sids, subscribers);
            ActorRef<SmmuNode.Command> node = kit.spawn(SmmuNode.create(setup, handles,
                    new org.iommusim.actors.domain.PageTableViews()), "smmu-0");
            SmmuHarness h = new SmmuHarness(kit, node, handles.views, handles.memory);
            h.state(); // recovered, views published
            return body.apply(h);
        } finally {
            kit.shutdownTestKit();
            journal.release();
        }
    }

    StreamEntity.Reply writeSte(int sid, Ste ste) {
        TestProbe<StreamEntity.Reply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToStream(sid, new StreamEntity.WriteSte(ste, p.getRef())));
        return p.receiveMessage(WAIT);
    }

    StreamEntity.Reply writeCd(int sid, int ssid, Cd cd) {
        TestProbe<StreamEntity.Reply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToStream(sid, new StreamEntity.WriteCd(ssid, cd, p.getRef())));
        return p.receiveMessage(WAIT);
    }

    SmmuEntity.SubmitReply submit(Command... commands) {
        List<RawCommand> raws = new ArrayList<>();
        for (Command c : commands) {
            raws.add(c.encode());
        }
        return submitRaw(raws);
    }

    SmmuEntity.SubmitReply submitRaw(List<RawCommand> raws) {
        TestProbe<SmmuEntity.SubmitReply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToSmmu(new SmmuEntity.Submit(raws, p.getRef())));
        return p.receiveMessage(WAIT);
    }

    TestProbe<SmmuEntity.ConsumeReply> awaitConsumed(long index) {
        TestProbe<SmmuEntity.ConsumeReply> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToSmmu(new SmmuEntity.AwaitConsumed(index, p.getRef())));
        return p;
    }

    SmmuState state() {
        TestProbe<SmmuState> p = kit.createTestProbe();
        node.tell(new SmmuNode.ToSmmu(new SmmuEntity.GetState(p.getRef())));
        return p.receiveMessage(WAIT);
    }

    void tell(SmmuEntity.Command c) {
        node.tell(new SmmuNode.ToSmmu(c));
    }
}
