package org.iommusim.persistence.smmu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.iommusim.persistence.cmdq.CommandQueue;
import org.iommusim.persistence.cmdq.CommandRules;
import org.iommusim.persistence.cmdq.QueueError;
import org.iommusim.persistence.config.ConfigCache;
import org.iommusim.persistence.config.StreamTable;
import org.iommusim.persistence.evtq.EventQueue;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;

/**
 * The pure state of one SMMU: capabilities, command queue, configuration
 * cache, event queue, and the invalidations consumed since the last completed
 * CMD_SYNC (which a restarted SMMU sends again, since their acknowledgements
 * were not recorded). Immutable; {@link #apply} never fails for an event a
 * decision produced.
 *
 * @param caps null until the {@link SmmuChange.Configured} event
 */
public record SmmuState(SmmuCapabilities caps, CommandQueue queue, ConfigCache config, EventQueue events,
        long invalidationsIssued, List<IssuedInvalidation> unsynced, long syncsCompleted)
        implements JournalSerializable {

    public static final SmmuState UNCONFIGURED = new SmmuState(null, CommandQueue.empty(0), ConfigCache.EMPTY,
            EventQueue.empty(0), 0, List.of(), 0);

    public boolean configured() {
        return caps != null;
    }

    // ---- decisions ----------------------------------------------------------

    public SmmuDecision decideConfigure(SmmuCapabilities c) {
        return configured() ? new SmmuDecision.Reject("already configured")
                : new SmmuDecision.Accept(List.of(new SmmuChange.Configured(c)));
    }

    /** Accepts the whole batch or refuses it as "queue full, N free"; nothing is ever dropped. */
    public SmmuDecision decideSubmit(List<RawCommand> entries) {
        if (!configured()) {
            return new SmmuDecision.Reject("SMMU is not configured");
        }
        if (entries.isEmpty()) {
            return new SmmuDecision.Reject("empty batch");
        }
        if (entries.size() > queue.free()) {
            return new SmmuDecision.Reject("queue full, " + queue.free() + " free");
        }
        return new SmmuDecision.Accept(List.of(new SmmuChange.Submitted(entries)));
    }

    public SmmuDecision decideResume(RawCommand replacement) {
        if (!queue.halted()) {
            return new SmmuDecision.Reject("the command queue is not halted");
        }
        return new SmmuDecision.Accept(List.of(new SmmuChange.Resumed(replacement)));
    }

    /**
     * Software programs the stream table's format (SMMU_STRTAB_BASE_CFG). Software writes it while the SMMU
     * is disabled, before the command queue is used, so the model refuses it once anything was submitted;
     * a two-level table needs IDR0.ST_LEVEL (Arm IHI 0070, 6.3.1, 6.3.25).
     */
    public SmmuDecision decideStreamTable(StreamTableFormat format) {
        if (!configured()) {
            return new SmmuDecision.Reject("SMMU is not configured");
        }
        if (format.twoLevel() && !caps.twoLevelStreamTables()) {
            return new SmmuDecision.Reject("two-level stream table: the SMMU advertises IDR0.ST_LEVEL=0b00 (linear only)");
        }
        if (queue.prod() != 0) {
            return new SmmuDecision.Reject("STRTAB_BASE_CFG is programmed before the SMMU is enabled; "
                    + queue.prod() + " commands were already submitted");
        }
        return new SmmuDecision.Accept(List.of(new SmmuChange.StreamTableProgrammed(format)));
    }

    /** Software writes level-1 descriptor {@code index} of a two-level stream table. */
    public SmmuDecision decideWriteL1(int index, L1Descriptor d) {
        if (!configured()) {
            return new SmmuDecision.Reject("SMMU is not configured");
        }
        StreamTable t = config.table();
        if (!t.twoLevel()) {
            return new SmmuDecision.Reject("the stream table is linear: it has no level-1 descriptors");
        }
        if (index < 0 || index >= t.l1Count()) {
            return new SmmuDecision.Reject("level-1 descriptor " + Integer.toUnsignedString(index)
                    + " is beyond the table's " + t.l1Count() + " (LOG2SIZE=" + t.log2Size() + ", SPLIT="
                    + t.format().split() + ")");
        }
        return new SmmuDecision.Accept(List.of(new SmmuChange.L1DescriptorWritten(index, d)));
    }

    public SmmuDecision decideConsumeEvents(int count) {
        if (count < 0 || count > events.records().size()) {
            return new SmmuDecision.Reject("cannot acknowledge " + count + " records; " + events.records().size()
                    + " are queued");
        }
        return new SmmuDecision.Accept(List.of(new SmmuChange.EventsConsumed(count)));
    }

    // ---- events -------------------------------------------------------------

    public SmmuState apply(SmmuChange change) {
        if (change instanceof SmmuChange.Configured c) {
            return new SmmuState(c.caps(), CommandQueue.empty(c.caps().commandQueueCapacity()), ConfigCache.EMPTY,
                    EventQueue.empty(c.caps().eventQueueCapacity()), 0, List.of(), 0);
        }
        if (change instanceof SmmuChange.Submitted s) {
            return with(queue.accept(s.entries()));
        }
        if (change instanceof SmmuChange.Consumed c) {
            return consumed(c);
        }
        if (change instanceof SmmuChange.Halted h) {
            return with(queue.halt(new QueueError(h.index(), h.code(), h.reason())));
        }
        if (change instanceof SmmuChange.Resumed r) {
            return with(queue.resume(r.replacement()));
        }
        if (change instanceof SmmuChange.FaultsRecorded f) {
            return new SmmuState(caps, queue, config, events.append(f.records()), invalidationsIssued, unsynced,
                    syncsCompleted);
        }
        if (change instanceof SmmuChange.FaultsLost l) {
            return new SmmuState(caps, queue, config, events.lose(l.count()), invalidationsIssued, unsynced,
                    syncsCompleted);
        }
        if (change instanceof SmmuChange.StreamTableProgrammed p) {
            return withConfig(config.withTable(StreamTable.of(p.format(),
                    caps.sidBits())));
        }
        if (change instanceof SmmuChange.L1DescriptorWritten w) {
            return withConfig(config.withTable(config.table().write(w.index(), w.descriptor())));
        }
        if (change instanceof SmmuChange.EventsConsumed e) {
            return new SmmuState(caps, queue, config, events.consume(e.count()), invalidationsIssued, unsynced,
                    syncsCompleted);
        }
        if (change instanceof SmmuChange.OverflowAcknowledged) {
            return new SmmuState(caps, queue, config, events.acknowledgeOverflow(), invalidationsIssued, unsynced,
                    syncsCompleted);
        }
        throw new IllegalStateException("unknown SMMU change " + change);
    }

    private SmmuState withConfig(ConfigCache c) {
        return new SmmuState(caps, queue, c, events, invalidationsIssued, unsynced, syncsCompleted);
    }

    private SmmuState with(CommandQueue q) {
        return new SmmuState(caps, q, config, events, invalidationsIssued, unsynced, syncsCompleted);
    }

    private SmmuState consumed(SmmuChange.Consumed c) {
        long issued = invalidationsIssued;
        long syncs = syncsCompleted;
        List<IssuedInvalidation> open = new ArrayList<>(unsynced);
        StreamTable table = config.table();
        for (int i = 0; i < c.count(); i++) {
            // the consumer accepted these entries; their opcodes are all this needs (no decoding on replay)
            RawCommand raw = queue.pending().get(i);
            int op = raw.opcode();
            if (op == CommandOpcode.CMD_SYNC.code()) {
                // a completed sync means every invalidation before it was acknowledged
                open.clear();
                syncs++;
            } else if (issues(op)) {
                open.add(new IssuedInvalidation(++issued, raw));
            }
            if (table.twoLevel() && (op == CommandOpcode.CFGI_STE.code()
                    || op == CommandOpcode.CFGI_STE_RANGE.code())) {
                // the level-1 descriptors are the SMMU's own memory: what a CFGI does to their cache
                // follows from the command, so it is not recorded (the decoder accepted this entry)
                Command cfgi = (Command) CommandCodec.decode(raw);
                if (!CommandRules.hasNoEffect(cfgi, caps)) {
                    table = table.afterCfgi(cfgi);
                }
            }
        }
        return new SmmuState(caps, queue.consume(c.count()), config.load(c.loads()).withTable(table), events, issued,
                Collections.unmodifiableList(open), syncs);
    }

    private static final boolean[] TLBI_OPCODES = new boolean[256];
    private static final boolean[] CFGI_OPCODES = new boolean[256];

    static {
        for (org.iommusim.protocol.command.CommandOpcode op : org.iommusim.protocol.command.CommandOpcode.values()) {
            TLBI_OPCODES[op.code()] = op.name().startsWith("TLBI_");
            CFGI_OPCODES[op.code()] = op.name().startsWith("CFGI_");
        }
    }

    /**
     * Whether the TCU's configuration cache is bounded ({@code caps.tcu().configCache()} set): translation then
     * reads configuration through it, CFGIs load nothing into {@link #config} (which keeps only the stream
     * table) and go through the invalidation port instead, so a CMD_SYNC waits until the TCU applied them.
     */
    public boolean configBounded() {
        return caps != null && caps.tcu().configCache().enabled();
    }

    /**
     * Whether consuming {@code c} issues a numbered invalidation on the SMMU's invalidation port (that a later
     * CMD_SYNC waits for): every TLBI; every CFGI too when the configuration cache is bounded. The one rule the
     * consumer, the state and its replay share.
     */
    public boolean issues(Command c) {
        return issues(c.opcode().code());
    }

    /** {@link #issues(Command)} by opcode: what replay has of an entry (no decoding), and no interface type test. */
    private boolean issues(int opcode) {
        return TLBI_OPCODES[opcode] || (CFGI_OPCODES[opcode] && configBounded());
    }

    /** The invalidations among {@code consumed} (the commands a consumption took), numbered from this state on. */
    public List<IssuedInvalidation> invalidationsIn(List<Command> consumed) {
        List<IssuedInvalidation> out = new ArrayList<>();
        long issued = invalidationsIssued;
        for (Command c : consumed) {
            if (issues(c)) {
                out.add(new IssuedInvalidation(++issued, c));
            }
        }
        return out;
    }

    /** The commands that {@link SmmuChange.Consumed} {@code c} consumes, in order (decoded before applying it). */
    public List<Command> commandsIn(SmmuChange.Consumed c) {
        List<Command> out = new ArrayList<>(c.count());
        for (int i = 0; i < c.count(); i++) {
            out.add((Command) CommandCodec.decode(queue.pending().get(i)));
        }
        return out;
    }
}
