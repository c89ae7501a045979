package org.iommusim.simulations.replay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.actors.smmu.StreamEntity;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.RawEvent;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * Writes the fixed SMMU history the {@code smmu-*} expected files under
 * {@code replay/} describe, with the real SMMU and stream actors on a real
 * LevelDB journal, each request answered before the next is sent. The event
 * queue holds 2 records (EVENTQS=1), so the third fault is lost.
 *
 * <pre>
 *  step  entity          seq    request
 *   1    smmu-0/sid-16   1      write STE stage-1
 *   2    smmu-0/sid-16   2      write CD ssid 0: asid 0x5, domain-1
 *   3    smmu-0          1-3    submit CFGI_STE sid=0x10 leaf=0, CMD_SYNC: configured, submitted, consumed (load)
 *   4    smmu-0          4-6    submit TLBI_NH_VA, an illegal entry (opcode 0x3f), CMD_SYNC: 1 consumed, halted at 3
 *   5    smmu-0          7-8    resume, replacing entry 3 with a CMD_SYNC: both syncs consumed
 *   6    smmu-0/sid-2    1      write STE bypass
 *   7    smmu-0          9      three faults offered, one lost to overflow
 *   8    smmu-0          10     acknowledge one record
 *   9    smmu-0          11     acknowledge the overflow
 *  10    smmu-0          12-13  submit TLBI_NH_ASID (no sync follows)
 *  11    smmu-0/sid-16   3      rewrite CD ssid 0: asid 0x6 (memory only)
 *  12    smmu-0          14-16  submit CFGI_CD sid=0x10 ssid=0, illegal entry: 1 consumed, halted at 7
 * </pre>
 */
final class SmmuRecordedHistory {
    static final String SMMU = "smmu-0";
    static final SmmuCapabilities CAPS = SmmuCapabilities.builder().eventqs(1).build();
    static final RawCommand ILLEGAL = new RawCommand(0x3f, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private SmmuRecordedHistory() {}

    static void write(Path dataDir) throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        JournalSettings journal = JournalSettings.levelDb(dataDir).prepare();
        Config config = journal.toConfig().withFallback(ConfigFactory.load());
        SmmuNode.Setup setup = new SmmuNode.Setup(SMMU, CAPS, SmmuEntity.Settings.defaults(),
                org.iommusim.actors.translate.TranslationWorker.Settings.defaults(), 0, 64, List.of(), List.of());
        ActorSystem<SmmuNode.Command> system = ActorSystem.create(SmmuNode.create(setup, new SmmuNode.Handles(),
                new org.iommusim.actors.domain.PageTableViews()), "smmu-history", config);
        try {
            Requests r = new Requests(system);
            r.written(r.stream(0x10, replyTo -> new StreamEntity.WriteSte(Ste.stage1(0, S1Dss.TERMINATE), replyTo)));
            r.written(r.stream(0x10, replyTo -> new StreamEntity.WriteCd(0, Cd.of(5, DomainId.of(1)), replyTo)));
            r.accepted(r.submit(raw(new CfgiSte(0x10, false), CmdSync.poll())));
            r.accepted(r.submit(List.of(TlbiNhVa.of(0, 5, 0x1000, true).encode(), ILLEGAL, CmdSync.poll().encode())));
            r.accepted(r.smmu(replyTo -> new SmmuEntity.Resume(CmdSync.poll().encode(), replyTo)));
            r.written(r.stream(0x2, replyTo -> new StreamEntity.WriteSte(Ste.bypass(), replyTo)));
            system.tell(new SmmuNode.ToSmmu(new SmmuEntity.RecordFaults(List.of(
                    fault(0x10 | (0x10L << 32), (1L << 35) | (2L << 40), 0xdead_b000L),
                    fault(0x04 | (0x11L << 32), 0, 0),
                    fault(0x10 | (0x10L << 32), 2L << 40, 0x4000)))));
            r.accepted(r.smmu(replyTo -> new SmmuEntity.AcknowledgeEvents(1, replyTo)));
            r.accepted(r.smmu(replyTo -> new SmmuEntity.AcknowledgeOverflow(replyTo)));
            r.accepted(r.submit(raw(new TlbiNhAsid(0, 5))));
            r.written(r.stream(0x10, replyTo -> new StreamEntity.WriteCd(0, Cd.of(6, DomainId.of(1)), replyTo)));
            r.accepted(r.submit(List.of(new CfgiCd(0x10, 0, true).encode(), ILLEGAL)));
            r.state(); // everything above is persisted and applied
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            journal.release();
        }
    }

    private static List<RawCommand> raw(Command... commands) {
        return java.util.Arrays.stream(commands).map(Command::encode).toList();
    }

    private static SmmuEvent fault(long dw0, long dw1, long dw2) {
        return (SmmuEvent) EventCodec.decode(new RawEvent(dw0, dw1, dw2, 0));
    }

    /** Asks the node and waits for each reply, so the history is strictly ordered. */
    private record Requests(ActorSystem<SmmuNode.Command> system) {
        Object submit(List<RawCommand> entries) throws Exception {
            return smmu(replyTo -> new SmmuEntity.Submit(entries, replyTo));
        }

        Object smmu(java.util.function.Function<ActorRef<SmmuEntity.SubmitReply>, SmmuEntity.Command> message)
                throws Exception {
            return ask(replyTo -> new SmmuNode.ToSmmu(message.apply(cast(replyTo))));
        }

        Object state() throws Exception {
            return ask(replyTo -> new SmmuNode.ToSmmu(new SmmuEntity.GetState(cast(replyTo))));
        }

        Object stream(int sid, java.util.function.Function<ActorRef<StreamEntity.Reply>, StreamEntity.Command> message)
                throws Exception {
            return ask(replyTo -> new SmmuNode.ToStream(sid, message.apply(cast(replyTo))));
        }

        @SuppressWarnings("unchecked")
        private static <R> ActorRef<R> cast(ActorRef<Object> ref) {
            return (ActorRef<R>) (ActorRef<?>) ref;
        }

        private Object ask(java.util.function.Function<ActorRef<Object>, SmmuNode.Command> message) throws Exception {
            CompletionStage<Object> reply = AskPattern.ask(system, message::apply, TIMEOUT, system.scheduler());
            return reply.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        void accepted(Object reply) {
            if (!(reply instanceof SmmuEntity.Accepted)) {
                throw new IllegalStateException("expected Accepted, got " + reply);
            }
        }

        void written(Object reply) {
            if (!(reply instanceof StreamEntity.Written)) {
                throw new IllegalStateException("expected Written, got " + reply);
            }
        }
    }
}
