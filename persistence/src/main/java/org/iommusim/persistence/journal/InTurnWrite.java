package org.iommusim.persistence.journal;

import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.NonPersistentRepr;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * One {@code WriteMessages} done and answered inside the journal's turn: the
 * same write and the same answers, in the same order, that Pekko's
 * {@code AsyncWriteJournal} sends from its write future's callbacks (with
 * {@code write-response-global-order = off}), without the future, its two
 * callbacks and the executor task they take. Only for a journal whose
 * writes complete within the call, as LevelDB's do; a deterministic runtime
 * selects it ({@link GuardedLeveldbJournal#IN_TURN}), where the circuit
 * breaker it leaves out has no timer anyway and the first failed write stops
 * the model.
 */
final class InTurnWrite {
    private InTurnWrite() {}

    /**
     * @param prepare the journal's {@code preparePersistentBatch} (event adapters; senders dropped)
     * @param write   the journal's {@code asyncWriteMessages}
     * @param journal the journal itself, the sender of the batch's answers
     */
    static void run(JournalProtocol.WriteMessages w, Function<Seq<PersistentEnvelope>, Seq<AtomicWrite>> prepare,
            Function<Seq<AtomicWrite>, Future<Seq<Try<BoxedUnit>>>> write, ActorRef journal) {
        List<PersistentEnvelope> messages = CollectionConverters.asJava(w.messages());
        int atomicWrites = 0;
        for (PersistentEnvelope m : messages) {
            atomicWrites += m instanceof AtomicWrite ? 1 : 0;
        }
        Throwable rejectedAll = null;
        Throwable failed = null;
        List<Try<BoxedUnit>> results = List.of(); // empty: every atomic write stored
        Seq<AtomicWrite> prepared = null;
        try {
            prepared = prepare.apply(w.messages());
        } catch (RuntimeException e) {
            rejectedAll = e; // preparing the batch threw: each atomic write is rejected, as Pekko does
        }
        if (prepared != null && !prepared.isEmpty()) {
            try {
                Future<Seq<Try<BoxedUnit>>> f = write.apply(prepared);
                if (f.value().isEmpty()) {
                    failed = new IllegalStateException("the journal's write did not complete within its turn");
                } else if (f.value().get().isFailure()) {
                    failed = f.value().get().failed().get();
                } else {
                    results = CollectionConverters.asJava(f.value().get().get());
                    if (!results.isEmpty() && results.size() != atomicWrites) {
                        failed = new IllegalStateException("asyncWriteMessages returned invalid number of results."
                                + " Expected [" + atomicWrites + "], but got [" + results.size() + "]");
                    }
                }
            } catch (RuntimeException e) { // the journal turns its own store's errors into a failed write
                failed = e;
            }
        }
        ActorRef writer = w.persistentActor();
        int id = w.actorInstanceId();
        if (failed != null) {
            writer.tell(new JournalProtocol.WriteMessagesFailed(failed, atomicWrites), journal);
        } else {
            writer.tell(JournalProtocol.WriteMessagesSuccessful$.MODULE$, journal);
        }
        int next = 0;
        for (PersistentEnvelope m : messages) {
            if (m instanceof AtomicWrite a) {
                Throwable rejected = rejectedAll;
                if (failed == null && rejected == null && !results.isEmpty() && results.get(next).isFailure()) {
                    rejected = results.get(next).failed().get();
                }
                next++;
                for (PersistentRepr p : CollectionConverters.asJava(a.payload())) {
                    Object answer = failed != null ? new JournalProtocol.WriteMessageFailure(p, failed, id)
                            : rejected != null ? new JournalProtocol.WriteMessageRejected(p, rejected, id)
                            : new JournalProtocol.WriteMessageSuccess(p, id);
                    writer.tell(answer, p.sender());
                }
            } else if (m instanceof NonPersistentRepr r) {
                writer.tell(new JournalProtocol.LoopMessageSuccess(r.payload(), id), r.sender());
            }
        }
    }
}
