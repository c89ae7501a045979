package org.iommusim.actors.smmu;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.iommusim.actors.Unpublished;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * One stream ({@code smmu-<n>/sid-<sid>}): software's writes to its STE and
 * CD table. They change "memory" only, published to the SMMU's
 * {@link StreamMemoryBoard}; the SMMU sees them when a CFGI loads them.
 */
public final class StreamEntity extends Unpublished<StreamEntity.Command, StreamEvent, StreamState> {

    /** Messages a stream accepts. */

    public sealed interface Command {}

    /** Software writes the STE (memory only). */

    public record WriteSte(Ste ste, ActorRef<Reply> replyTo) implements Command {}

    /** Software writes the CD of one SubstreamID (memory only). */

    public record WriteCd(int ssid, Cd cd, ActorRef<Reply> replyTo) implements Command {}

    /** Ask for the stream's memory. */

    public record GetStream(ActorRef<StreamState> replyTo) implements Command {}

    /** The answer to a write. */

    public sealed interface Reply {}

    /** Written to memory (durably); not yet in force until a CFGI loads it. */
    public record Written(long sequenceNr) implements Reply {}

    /** The write cannot address the table (ID beyond the advertised widths); nothing changed. */

    public record Refused(String reason) implements Reply {}

    private final ActorContext<Command> ctx;
    private final int sid;
    private final SmmuCapabilities caps;
    private final StreamMemoryBoard board;

    private StreamEntity(ActorContext<Command> ctx, String smmuId, int sid, SmmuCapabilities caps,
            StreamMemoryBoard board) {
        super(PersistenceId.ofUniqueId(persistenceId(smmuId, sid)));
        this.ctx = ctx;
        this.sid = sid;
        this.caps = caps;
        this.board = board;
    }

    public static String persistenceId(String smmuId, int sid) {
        return smmuId + "/sid-" + Integer.toUnsignedString(sid);
    }

    public static Behavior<Command> create(String smmuId, int sid, SmmuCapabilities caps, StreamMemoryBoard board) {
        return Behaviors.setup(ctx -> new StreamEntity(ctx, smmuId, sid, caps, board));
    }

    @Override
    public StreamState emptyState() {
        return StreamState.EMPTY;
    }

    /** Every event with its causal stamp, taken as it is decided. */
    @Override
    public org.apache.pekko.persistence.typed.EventAdapter<StreamEvent, ?> eventAdapter() {
        return org.iommusim.actors.causal.CausalAdapter.of(ctx.getSystem());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(1000, 2);
    }

    @Override
    public CommandHandler<Command, StreamEvent, StreamState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(WriteSte.class, (s, c) -> write(Optional.empty(), new StreamEvent.SteWritten(c.ste()), c.replyTo()))
                .onCommand(WriteCd.class, (s, c) -> write(Optional.of(c.ssid()), new StreamEvent.CdWritten(c.ssid(), c.cd()), c.replyTo()))
                .onCommand(GetStream.class, (s, c) -> Effect().reply(c.replyTo(), s))
                .build();
    }

    private Effect<StreamEvent, StreamState> write(Optional<Integer> ssid, StreamEvent event, ActorRef<Reply> replyTo) {
        Optional<String> refusal = StreamState.refusal(sid, ssid.orElse(null), caps);
        if (refusal.isPresent()) {
            return Effect().reply(replyTo, new Refused(refusal.get()));
        }
        return Effect().persist(event).thenRun(this::publish)
                .thenReply(replyTo, s -> new Written(lastSequenceNumber(ctx)));
    }

    private void publish(StreamState s) {
        board.publish(sid, s.memory());
    }

    @Override
    public EventHandler<StreamState, StreamEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(StreamState::apply);
    }

    @Override
    public SignalHandler<StreamState> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            if (s != StreamState.EMPTY) {
                publish(s);
            }
        }).build();
    }
}
