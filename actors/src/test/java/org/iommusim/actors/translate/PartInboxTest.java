package org.iommusim.actors.translate;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The doorbell: one ring while parts wait, and none lost when a post crosses the worker's last look. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartInboxTest {
    private final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    void stop() {
        kit.shutdownTestKit();
    }

    private static TranslationWorker.TranslatePart part() {
        return new TranslationWorker.TranslatePart(null, 0, 0, 1);
    }

    @Test
    void aBusyWorkerIsRungOnceAndAPostCrossingItsLastLookRingsAgain() {
        TestProbe<TranslationWorker.Command> worker = kit.createTestProbe();
        PartInbox inbox = new PartInbox();
        inbox.attach(worker.getRef());
        TranslationWorker.TranslatePart a = part();
        TranslationWorker.TranslatePart b = part();
        inbox.post(a);
        inbox.post(b);
        worker.expectMessage(TranslationWorker.RING);
        worker.expectNoMessage(Duration.ofMillis(100)); // one ring for both
        assertSame(a, inbox.take());
        assertSame(b, inbox.take());
        assertNull(inbox.take());
        // a post lands after the worker found the inbox empty but before it said so
        TranslationWorker.TranslatePart c = part();
        inbox.post(c);
        worker.expectNoMessage(Duration.ofMillis(100)); // still rung: the post does not ring
        inbox.drained();
        worker.expectMessage(TranslationWorker.RING); // so saying "drained" rings for it
        assertSame(c, inbox.take());
        assertNull(inbox.take());
        inbox.drained();
        worker.expectNoMessage(Duration.ofMillis(100));
        inbox.post(part());
        worker.expectMessage(TranslationWorker.RING); // and the next post rings as usual
    }
}
