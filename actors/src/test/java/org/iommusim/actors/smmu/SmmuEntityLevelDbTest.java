package org.iommusim.actors.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.iommusim.persistence.smmu.IssuedInvalidation;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.SyncCompletion;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.event.AccessAttributes;
import org.iommusim.protocol.event.FTranslation;
import org.iommusim.protocol.event.Origin;
import org.iommusim.protocol.event.SmmuEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SMMU and stream entities on the real LevelDB JNI journal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmmuEntityLevelDbTest {
    private static final SmmuCapabilities CAPS = SmmuCapabilities.defaults();
    private static final Ste S1 = Ste.stage1(0, S1Dss.SSID0);
    private static final Cd CD = Cd.of(5, DomainId.of(1));

    @Test
    void linuxAttachAndDetachMakeWritesEffectiveOnlyThroughCfgi(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS, h -> {
            assertInstanceOf(StreamEntity.Written.class, h.writeCd(0x10, 0, CD));
            assertInstanceOf(StreamEntity.Written.class, h.writeSte(0x10, S1));
            assertEquals(Ste.invalid(), h.views().config().effective(0x10).ste(), "a write alone changes nothing");
            assertEquals(new SmmuEntity.Accepted(2), h.submit(new CfgiSte(0x10, false), CmdSync.poll()));
            assertEquals(new SmmuEntity.ConsumedPast(2), h.awaitConsumed(1).receiveMessage(SmmuHarness.WAIT));
            assertEquals(S1, h.views().config().effective(0x10).ste());
            assertEquals(CD, h.views().config().effective(0x10).cds().get(0));
            // detach
            h.writeSte(0x10, Ste.abort());
            h.submit(new CfgiSte(0x10, true), CmdSync.poll());
            h.awaitConsumed(3).receiveMessage(SmmuHarness.WAIT);
            assertEquals(Ste.abort(), h.views().config().effective(0x10).ste());
            return null;
        });
        // the effective configuration and the streams' memory survive a restart
        SmmuHarness.run(dir, CAPS, h -> {
            assertEquals(Ste.abort(), h.views().config().effective(0x10).ste());
            assertEquals(Ste.abort(), h.board().stream(0x10).orElseThrow().ste());
            assertEquals(CD, h.board().stream(0x10).orElseThrow().cds().get(0));
            return null;
        });
    }

    @Test
    void missingCfgiKeepsTheOldConfig(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS, h -> {
            h.writeSte(4, S1);
            h.submit(new CfgiSte(4, true), CmdSync.poll());
            h.writeSte(4, Ste.bypass());
            h.submit(CmdSync.poll());
            h.awaitConsumed(2).receiveMessage(SmmuHarness.WAIT);
            assertEquals(S1, h.views().config().effective(4).ste());
            return null;
        });
    }

    @Test
    void cmdSyncWaitsForEverySubscriberAndSignalsCompletion(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS, h -> {
            TestProbe<InvalidationPort.Invalidate> a = h.kit().createTestProbe();
            TestProbe<InvalidationPort.Invalidate> b = h.kit().createTestProbe();
            TestProbe<SmmuEntity.SyncNotice> msi = h.kit().createTestProbe();
            h.tell(new SmmuEntity.Subscribe(a.getRef()));
            h.tell(new SmmuEntity.Subscribe(b.getRef()));
            h.tell(new SmmuEntity.ListenForSyncs(msi.getRef()));
            h.submit(new TlbiNhAsid(0, 1), TlbiNhVa.of(0, 2, 0x3000, true), CmdSync.irq(0x8000_0000L, 0xCAFE));
            InvalidationPort.Invalidate toA = a.receiveMessage(SmmuHarness.WAIT);
            assertEquals(List.of(new IssuedInvalidation(1, new TlbiNhAsid(0, 1)),
                    new IssuedInvalidation(2, TlbiNhVa.of(0, 2, 0x3000, true))), toA.invalidations());
            InvalidationPort.Invalidate toB = b.receiveMessage(SmmuHarness.WAIT);
            TestProbe<SmmuEntity.ConsumeReply> sync = h.awaitConsumed(2);
            h.tell(new SmmuEntity.InvalidationsApplied(a.getRef(), 2));
            sync.expectNoMessage(Duration.ofMillis(300));
            msi.expectNoMessage(Duration.ZERO);
            h.tell(new SmmuEntity.InvalidationsApplied(b.getRef(), toB.lastSeq()));
            assertEquals(new SmmuEntity.ConsumedPast(3), sync.receiveMessage(SmmuHarness.WAIT));
            assertEquals(new SmmuEntity.SyncNotice("smmu-0", 2, SyncCompletion.IRQ, 0x8000_0000L, 0xCAFE),
                    msi.receiveMessage(SmmuHarness.WAIT));
            return null;
        });
    }

    /**
     * A submission that waits is answered once, when its CMD_SYNC has
     * completed (every subscriber acknowledged the TLBI before it), with the
     * consumer index; no {@link SmmuEntity.Accepted} before it. Its changes
     * are not published on the event stream.
     */
    @Test
    void aSubmissionThatWaitsIsAnsweredOnceWhenItsSyncCompletes(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS, h -> {
            TestProbe<org.apache.pekko.persistence.typed.PublishedEvent> published = h.kit().createTestProbe();
            h.kit().system().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Subscribe<>(
                    org.apache.pekko.persistence.typed.PublishedEvent.class, published.getRef()));
            TestProbe<InvalidationPort.Invalidate> a = h.kit().createTestProbe();
            h.tell(new SmmuEntity.Subscribe(a.getRef()));
            TestProbe<SmmuEntity.SubmitReply> reply = h.kit().createTestProbe();
            h.tell(new SmmuEntity.Submit(List.of(new TlbiNhAsid(0, 1).encode(), CmdSync.poll().encode()), true,
                    reply.getRef()));
            InvalidationPort.Invalidate tlbi = a.receiveMessage(SmmuHarness.WAIT);
            reply.expectNoMessage(Duration.ofMillis(300));
            assertEquals(1, h.state().queue().cons(), "written, and waiting at the CMD_SYNC");
            h.tell(new SmmuEntity.InvalidationsApplied(a.getRef(), tlbi.lastSeq()));
            assertEquals(new SmmuEntity.ConsumedPast(2), reply.receiveMessage(SmmuHarness.WAIT));
            reply.expectNoMessage(Duration.ofMillis(100));
            // refused at submission: the refusal is its one answer
            h.tell(new SmmuEntity.Submit(List.of(), true, reply.getRef()));
            assertEquals(new SmmuEntity.Rejected("empty batch"), reply.receiveMessage(SmmuHarness.WAIT));
            // halted at its entry: the error is its one answer
            h.tell(new SmmuEntity.Submit(List.of(new RawCommand(0x7F, 0), CmdSync.poll().encode()), true,
                    reply.getRef()));
            SmmuEntity.QueueHalted halted = assertInstanceOf(SmmuEntity.QueueHalted.class,
                    reply.receiveMessage(SmmuHarness.WAIT));
            assertEquals(2, halted.error().index());
            assertEquals("unknown opcode 0x7f", halted.error().reason());
            reply.expectNoMessage(Duration.ofMillis(100));
            published.expectNoMessage(Duration.ZERO);
            return null;
        });
    }

    @Test
    void illegalEntryMidBatchHaltsThenResumeRunsTheRestOnce(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS, h -> {
            h.writeSte(1, S1);
            h.writeSte(2, Ste.bypass());
            h.writeCd(2, 0, CD);
            h.submitRaw(List.of(new CfgiSte(1, true).encode(), new RawCommand(0x7F, 0), new CfgiCd(2, 0, true).encode(),
                    CmdSync.poll().encode()));
            SmmuEntity.QueueHalted halted = assertInstanceOf(SmmuEntity.QueueHalted.class,
                    h.awaitConsumed(3).receiveMessage(SmmuHarness.WAIT));
            assertEquals(1, halted.error().index());
            assertEquals(CommandErrorCode.ILL, halted.error().code());
            assertEquals("unknown opcode 0x7f", halted.error().reason());
            assertEquals(1, h.state().queue().cons());
            TestProbe<SmmuEntity.SubmitReply> resumed = h.kit().createTestProbe();
            h.tell(new SmmuEntity.Resume(CmdSync.poll().encode(), resumed.getRef()));
            resumed.receiveMessage(SmmuHarness.WAIT);
            assertEquals(new SmmuEntity.ConsumedPast(4), h.awaitConsumed(3).receiveMessage(SmmuHarness.WAIT));
            SmmuState s = h.state();
            assertEquals(CD, s.config().effective(2).cds().get(0));
            assertEquals(2, s.syncsCompleted());
            return null;
        });
    }

    /**
     * Accepted entries wait behind a CMD_SYNC whose subscriber never answers;
     * the ActorSystem stops; after a restart nothing accepted is lost, the
     * unsynced TLBIs are sent again to the new subscriber, and every entry is
     * consumed exactly once.
     */
    @Test
    void restartMidBatchLosesNothingAndRunsNothingTwice(@TempDir Path dir) {
        ActorTestKit probes = ActorTestKit.create("probes");
        try {
            TestProbe<InvalidationPort.Invalidate> silent = probes.createTestProbe();
            SmmuHarness.run(dir, CAPS, List.of(silent.getRef()), h -> {
                h.writeSte(9, S1);
                assertEquals(new SmmuEntity.Accepted(5), h.submit(new TlbiNhAsid(0, 1), new TlbiNhAsid(0, 2),
                        CmdSync.poll(), new CfgiSte(9, true), CmdSync.poll()));
                silent.receiveMessage(SmmuHarness.WAIT);
                SmmuState s = h.state();
                assertEquals(2, s.queue().cons());
                assertEquals(5, s.queue().prod());
                return null;
            });
            TestProbe<InvalidationPort.Invalidate> worker = probes.createTestProbe();
            SmmuHarness.run(dir, CAPS, List.of(worker.getRef()), h -> {
                SmmuState before = h.state();
                assertEquals(2, before.queue().cons(), "recovered: two consumed, three waiting behind the sync");
                assertEquals(3, before.queue().pending().size());
                assertEquals(Ste.invalid(), h.views().config().effective(9).ste());
                InvalidationPort.Invalidate again = worker.receiveMessage(SmmuHarness.WAIT);
                assertEquals(List.of(1L, 2L), again.invalidations().stream().map(IssuedInvalidation::seq).toList());
                h.tell(new SmmuEntity.InvalidationsApplied(worker.getRef(), again.lastSeq()));
                assertEquals(new SmmuEntity.ConsumedPast(5), h.awaitConsumed(4).receiveMessage(SmmuHarness.WAIT));
                SmmuState after = h.state();
                assertEquals(2, after.invalidationsIssued(), "the TLBIs were consumed once, not again");
                assertEquals(2, after.syncsCompleted());
                assertEquals(S1, after.config().effective(9).ste());
                return null;
            });
        } finally {
            probes.shutdownTestKit();
        }
    }

    @Test
    void streamAndSubstreamIdsBeyondTheWidthsAreRefused(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS.toBuilder().sidBits(8).ssidBits(2).build(), h -> {
            assertEquals(new StreamEntity.Refused("StreamID 0x100 is beyond the advertised 8-bit StreamIDs"),
                    h.writeSte(0x100, S1));
            assertEquals(new StreamEntity.Refused("SubstreamID 0x4 is beyond the advertised 2-bit SubstreamIDs"),
                    h.writeCd(1, 4, CD));
            assertTrue(h.board().stream(0x100).isEmpty(), "a refused write changes no memory");
            return null;
        });
    }

    @Test
    void eventQueueOverflowIsRecordedAndSurvivesRestart(@TempDir Path dir) {
        SmmuCapabilities small = CAPS.toBuilder().eventqs(1).build();
        List<SmmuEvent> faults = List.of(
                FTranslation.stage1(Origin.stream(1), 0x1000, AccessAttributes.read()),
                FTranslation.stage1(Origin.stream(1), 0x2000, AccessAttributes.read()),
                FTranslation.stage1(Origin.stream(1), 0x3000, AccessAttributes.write()));
        SmmuHarness.run(dir, small, h -> {
            h.tell(new SmmuEntity.RecordFaults(faults));
            TestProbe<SmmuEntity.EventQueueView> p = h.kit().createTestProbe();
            h.tell(new SmmuEntity.ReadEvents(10, p.getRef()));
            assertEquals(new SmmuEntity.EventQueueView(faults.subList(0, 2), true, 1, 0), p.receiveMessage(SmmuHarness.WAIT));
            return null;
        });
        SmmuHarness.run(dir, small, h -> {
            TestProbe<SmmuEntity.SubmitReply> ack = h.kit().createTestProbe();
            h.tell(new SmmuEntity.AcknowledgeEvents(1, ack.getRef()));
            ack.receiveMessage(SmmuHarness.WAIT);
            h.tell(new SmmuEntity.AcknowledgeOverflow(ack.getRef()));
            ack.receiveMessage(SmmuHarness.WAIT);
            TestProbe<SmmuEntity.EventQueueView> p = h.kit().createTestProbe();
            h.tell(new SmmuEntity.ReadEvents(10, p.getRef()));
            assertEquals(new SmmuEntity.EventQueueView(faults.subList(1, 2), false, 1, 1), p.receiveMessage(SmmuHarness.WAIT));
            return null;
        });
    }

    /**
     * Submissions arriving while a write is in flight are group-committed:
     * each is still accepted or refused on its own, in arrival order, with its
     * own producer index, and a refusal (queue full) disturbs none of the others.
     */
    @Test
    void groupCommitKeepsOrderIndexesAndRefusalsPerSubmission(@TempDir Path dir) {
        SmmuHarness.run(dir, CAPS.toBuilder().cmdqs(3).build(), h -> {
            h.writeSte(1, S1);
            List<TestProbe<SmmuEntity.SubmitReply>> probes = new java.util.ArrayList<>();
            int[] sizes = {3, 2, 4, 1};
            for (int size : sizes) {
                TestProbe<SmmuEntity.SubmitReply> p = h.kit().createTestProbe();
                List<org.iommusim.protocol.command.RawCommand> entries = new java.util.ArrayList<>();
                for (int i = 0; i < size - 1; i++) {
                    entries.add(new CfgiSte(1, true).encode());
                }
                entries.add(CmdSync.poll().encode());
                h.tell(new SmmuEntity.Submit(entries, p.getRef()));
                probes.add(p);
            }
            // capacity 8: 3 and 2 fit (consumed at once, freeing room), so 4 and 1 fit after them too
            assertEquals(new SmmuEntity.Accepted(3), probes.get(0).receiveMessage(SmmuHarness.WAIT));
            assertEquals(new SmmuEntity.Accepted(5), probes.get(1).receiveMessage(SmmuHarness.WAIT));
            assertEquals(new SmmuEntity.Accepted(9), probes.get(2).receiveMessage(SmmuHarness.WAIT));
            assertEquals(new SmmuEntity.Accepted(10), probes.get(3).receiveMessage(SmmuHarness.WAIT));
            assertEquals(10, h.state().queue().cons());
            assertEquals(4, h.state().syncsCompleted());
            return null;
        });
        // a group whose second batch cannot fit: it alone is refused, the others go through
        ActorTestKit probes = ActorTestKit.create("probes2");
        try {
            TestProbe<InvalidationPort.Invalidate> silent = probes.createTestProbe();
            SmmuHarness.run(dir.resolve("full"), CAPS.toBuilder().cmdqs(2).build(), List.of(silent.getRef()), h -> {
                // a TLBI and a sync nobody acknowledges: the sync and everything after it waits
                TestProbe<SmmuEntity.SubmitReply> a = h.kit().createTestProbe();
                TestProbe<SmmuEntity.SubmitReply> b = h.kit().createTestProbe();
                TestProbe<SmmuEntity.SubmitReply> c = h.kit().createTestProbe();
                h.tell(new SmmuEntity.Submit(List.of(new TlbiNhAsid(0, 1).encode(), CmdSync.poll().encode()), a.getRef()));
                // capacity 4, the waiting sync holds one: a batch of four cannot fit
                h.tell(new SmmuEntity.Submit(List.of(CmdSync.poll().encode(), CmdSync.poll().encode(),
                        CmdSync.poll().encode(), CmdSync.poll().encode()), b.getRef()));
                h.tell(new SmmuEntity.Submit(List.of(CmdSync.poll().encode()), c.getRef()));
                assertEquals(new SmmuEntity.Accepted(2), a.receiveMessage(SmmuHarness.WAIT));
                assertEquals(new SmmuEntity.Rejected("queue full, 3 free"), b.receiveMessage(SmmuHarness.WAIT));
                assertEquals(new SmmuEntity.Accepted(3), c.receiveMessage(SmmuHarness.WAIT));
                assertEquals(3, h.state().queue().prod(), "the refused batch left no trace");
                return null;
            });
        } finally {
            probes.shutdownTestKit();
        }
    }
}
