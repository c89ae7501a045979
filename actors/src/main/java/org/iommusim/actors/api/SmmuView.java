package org.iommusim.actors.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * What one SMMU holds at one instant, read-only: its command queue, event
 * queue, stream table and configuration cache, as registers and memory would
 * show them. Returned by {@link IommuSim#smmuView}. Immutable (every list and
 * map is unmodifiable), safe to share between threads.
 *
 * @param smmu                the SMMU's name ({@code smmu-<n>})
 * @param commandQueue        the command queue
 * @param eventQueue          the event queue
 * @param streamTable         the stream table's format and level-1 descriptors
 * @param streams             the configuration cache: per StreamID, the STE and CDs that CFGI_STE / CFGI_CD
 *                            loaded (what translations use), in StreamID order
 * @param invalidationsIssued TLBIs and CFGIs the SMMU has consumed since it was added
 * @param syncsCompleted      CMD_SYNCs completed since it was added
 */
public record SmmuView(String smmu, CommandQueue commandQueue, EventQueue eventQueue, StreamTable streamTable,
        Map<Integer, StreamConfig> streams, long invalidationsIssued, long syncsCompleted) {

    /** Copies {@code streams}. */
    public SmmuView {
        streams = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(streams));
    }

    /**
     * The command queue ({@code SMMU_CMDQ_PROD}, {@code SMMU_CMDQ_CONS}).
     *
     * @param capacity entries it holds
     * @param prod     the producer index: entries ever submitted
     * @param cons     the consumer index: entries ever consumed
     * @param error    why it halted (CONS.ERR and the failing entry), empty while it runs
     */
    public record CommandQueue(int capacity, long prod, long cons, Optional<QueueError> error) {
        /** True when the queue stopped at an erroneous command ({@link IommuSim#resume} restarts it). */
        public boolean halted() {
            return error.isPresent();
        }

        /** Entries submitted and not yet consumed. */
        public long pending() {
            return prod - cons;
        }
    }

    /**
     * A command queue error.
     *
     * @param index  the index of the entry the queue halted at
     * @param code   CMDQ_CONS.ERR
     * @param reason one line: what was wrong
     */
    public record QueueError(long index, CommandErrorCode code, String reason) {}

    /**
     * The event queue.
     *
     * @param capacity entries it holds
     * @param records  the records waiting to be read, oldest first (unmodifiable)
     * @param overflow the overflow flag: set when a record was lost, until acknowledged
     * @param lost     records lost to a full queue since the SMMU was added
     * @param recorded records ever offered, lost ones included
     * @param consumed records read and acknowledged
     */
    public record EventQueue(int capacity, List<SmmuEvent> records, boolean overflow, long lost, long recorded,
            long consumed) {
        /** Copies {@code records}. */
        public EventQueue {
            records = List.copyOf(records);
        }
    }

    /**
     * The stream table ({@code SMMU_STRTAB_BASE_CFG} and level-1 descriptors).
     *
     * @param format   as programmed; empty when software never programmed it (a linear table over SIDSIZE)
     * @param log2Size the effective LOG2SIZE
     * @param l1Memory for a two-level table: the level-1 descriptors written, by index
     * @param l1Cached for a two-level table: the level-1 descriptors a CFGI loaded, by index
     */
    public record StreamTable(Optional<StreamTableFormat> format, int log2Size, Map<Integer, L1Descriptor> l1Memory,
            Map<Integer, L1Descriptor> l1Cached) {
        /** Copies the maps. */
        public StreamTable {
            l1Memory = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(l1Memory));
            l1Cached = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(l1Cached));
        }
    }

    /**
     * One stream's configuration in force.
     *
     * @param ste the STE loaded
     * @param cds the CDs loaded, by SubstreamID (0 without substreams)
     */
    public record StreamConfig(Ste ste, Map<Integer, Cd> cds) {
        /** Copies {@code cds}. */
        public StreamConfig {
            cds = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(cds));
        }
    }
}
