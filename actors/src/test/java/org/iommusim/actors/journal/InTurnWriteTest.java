package org.iommusim.actors.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.NonPersistentRepr;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.iommusim.persistence.journal.GuardedLeveldbJournal;
import org.iommusim.persistence.journal.JournalSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal's in-turn writes ({@link GuardedLeveldbJournal#IN_TURN}, on in
 * deterministic mode) answer a batch exactly as Pekko's own write path does
 * (with {@code write-response-global-order = off}): the same messages, in the
 * same order, from the same senders, for a stored batch, a batch with a
 * rejected write and a batch whose write fails.
 */
class InTurnWriteTest {
    private final List<JournalSettings> journals = new ArrayList<>();
    private ActorSystem system;

    @AfterEach
    void stop() {
        FailingLevelDbJournal.FAIL.set(false);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        }
        journals.forEach(JournalSettings::release);
    }

    @Test
    void answersAsPekkosOwnWritePathDoes(@TempDir Path dir) throws Exception {
        Config plugins = plugin(dir.resolve("pekko"), "test.pekko-path", false)
                .withFallback(plugin(dir.resolve("in-turn"), "test.in-turn", true));
        system = ActorSystem.create("in-turn", plugins.withFallback(ConfigFactory.load()));
        ActorRef pekkoPath = Persistence.get(system).journalFor("test.pekko-path", ConfigFactory.empty());
        ActorRef inTurn = Persistence.get(system).journalFor("test.in-turn", ConfigFactory.empty());
        ActorRef origin = system.actorOf(Props.create(Recorder.class, () -> new Recorder(new LinkedBlockingQueue<>())),
                "origin");

        List<String> stored = List.of(
                "WriteMessagesSuccessful from journal",
                "WriteMessageSuccess a#1 (7) from origin",
                "WriteMessageSuccess a#2 (7) from deadLetters",
                "LoopMessageSuccess deferred (7) from origin",
                "WriteMessageSuccess b#1 (7) from deadLetters");
        assertEquals(stored, answers(pekkoPath, batch(origin, "a", 1, "b", 1, "first")), "Pekko's path");
        assertEquals(stored, answers(inTurn, batch(origin, "a", 1, "b", 1, "first")), "in turn");

        // a payload no serializer takes: its atomic write is rejected, the others are stored
        List<String> oneRejected = answers(pekkoPath, batch(origin, "a", 3, "b", 2, new Object()));
        assertTrue(oneRejected.get(1).startsWith("WriteMessageRejected a#3"), oneRejected.toString());
        assertEquals(oneRejected, answers(inTurn, batch(origin, "a", 3, "b", 2, new Object())));

        FailingLevelDbJournal.FAIL.set(true); // LevelDB's write fails: the whole batch fails
        List<String> failed = answers(pekkoPath, batch(origin, "a", 5, "b", 3, "lost"));
        assertTrue(failed.get(0).startsWith("WriteMessagesFailed 2 JournalWriteFailedException")
                && failed.get(1).startsWith("WriteMessageFailure a#5"), failed.toString());
        assertEquals(failed, answers(inTurn, batch(origin, "a", 5, "b", 3, "lost")));
    }

    /** A batch: two events of {@code a} (the first sent by {@code origin}), a deferred message, one event of {@code b}. */
    private static JournalProtocol.WriteMessages batch(ActorRef origin, String a, long aSeq, String b, long bSeq,
            Object firstPayload) {
        AtomicWrite first = new AtomicWrite(CollectionConverters.asScala(List.of(
                event(firstPayload, a, aSeq, origin), event("second", a, aSeq + 1, ActorRef.noSender()))).toList());
        List<PersistentEnvelope> messages = List.of(first, new NonPersistentRepr("deferred", origin),
                new AtomicWrite(CollectionConverters.asScala(List.of(event("third", b, bSeq, ActorRef.noSender())))
                        .toList()));
        return new JournalProtocol.WriteMessages(CollectionConverters.asScala(messages).toList(), null, 7);
    }

    private static PersistentRepr event(Object payload, String id, long seq, ActorRef sender) {
        return PersistentRepr.apply(payload, seq, id, "", false, sender, "writer");
    }

    /** What {@code journal} answers {@code w}, in order, each with its sender. */
    private List<String> answers(ActorRef journal, JournalProtocol.WriteMessages w) throws InterruptedException {
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        ActorRef writer = system.actorOf(Props.create(Recorder.class, () -> new Recorder(seen)));
        journal.tell(new JournalProtocol.WriteMessages(w.messages(), writer, w.actorInstanceId()), ActorRef.noSender());
        List<String> out = new ArrayList<>();
        int expected = 5;
        for (int i = 0; i < expected; i++) {
            String s = seen.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                break;
            }
            out.add(s.replace(journal.path().name(), "journal"));
        }
        system.stop(writer);
        return out;
    }

    private Config plugin(Path dataDir, String id, boolean inTurn) {
        JournalSettings settings = JournalSettings.levelDb(dataDir).withFsync(false).prepare();
        journals.add(settings);
        Config leveldb = settings.toConfig().getConfig("pekko.persistence.journal.leveldb")
                .withFallback(ConfigFactory.load().getConfig("pekko.persistence.journal.leveldb"))
                .withValue("class", ConfigValueFactory.fromAnyRef(FailingLevelDbJournal.class.getName()))
                .withValue("write-response-global-order", ConfigValueFactory.fromAnyRef("off"))
                .withValue(GuardedLeveldbJournal.IN_TURN, ConfigValueFactory.fromAnyRef(inTurn));
        return leveldb.atPath(id);
    }

    /** Records each message it gets as a line: what, for which event, from whom. */
    static final class Recorder extends AbstractActor {
        private final LinkedBlockingQueue<String> seen;

        Recorder(LinkedBlockingQueue<String> seen) {
            this.seen = seen;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(m -> seen.add(describe(m) + " from " + getSender().path().name()))
                    .build();
        }

        private static String describe(Object m) {
            if (m instanceof JournalProtocol.WriteMessageSuccess s) {
                return "WriteMessageSuccess " + event(s.persistent()) + " (" + s.actorInstanceId() + ")";
            } else if (m instanceof JournalProtocol.WriteMessageRejected r) {
                return "WriteMessageRejected " + event(r.message()) + " (" + r.actorInstanceId() + ") "
                        + r.cause().getClass().getSimpleName();
            } else if (m instanceof JournalProtocol.WriteMessageFailure f) {
                return "WriteMessageFailure " + event(f.message()) + " (" + f.actorInstanceId() + ") "
                        + f.cause().getClass().getSimpleName();
            } else if (m instanceof JournalProtocol.WriteMessagesFailed f) {
                return "WriteMessagesFailed " + f.writeCount() + " " + f.cause().getClass().getSimpleName();
            } else if (m instanceof JournalProtocol.LoopMessageSuccess l) {
                return "LoopMessageSuccess " + l.message() + " (" + l.actorInstanceId() + ")";
            } else if (m == JournalProtocol.WriteMessagesSuccessful$.MODULE$) {
                return "WriteMessagesSuccessful";
            }
            return "other " + m;
        }

        private static String event(PersistentRepr p) {
            return p.persistenceId() + "#" + p.sequenceNr();
        }
    }
}
