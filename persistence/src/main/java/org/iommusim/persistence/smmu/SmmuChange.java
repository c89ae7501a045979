package org.iommusim.persistence.smmu;

import java.util.List;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.serialization.JournalSerializable;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CommandErrorCode;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.protocol.event.SmmuEvent;

/** What an SMMU entity ({@code smmu-<n>}) records. */
public sealed interface SmmuChange extends JournalSerializable {

    /** The first event: what this SMMU advertises. Replay needs nothing else from the run's config. */
    record Configured(SmmuCapabilities caps) implements SmmuChange {}

    /** Producer wrote these entries and moved PROD: accepted whole. */
    record Submitted(List<RawCommand> entries) implements SmmuChange {
        public Submitted {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The consumer took {@code count} entries from the head, in order, with
     * the configuration the CFGIs among them loaded. What each entry did is
     * the pure consequence of its encoding, so only the loads are recorded.
     */
    record Consumed(int count, List<ConfigLoad> loads) implements SmmuChange {
        public Consumed {
            loads = List.copyOf(loads);
        }
    }

    /** Consumption stopped at entry {@code index} with this CERROR. */
    record Halted(long index, CommandErrorCode code, String reason) implements SmmuChange {}

    /** The producer acknowledged the error, optionally replacing the bad entry (null: retry it as it is). */
    record Resumed(RawCommand replacement) implements SmmuChange {}

    /** Fault records offered to the event queue (some may be lost to overflow, deterministically). */
    record FaultsRecorded(List<SmmuEvent> records) implements SmmuChange {
        public FaultsRecorded {
            records = List.copyOf(records);
        }
    }

    /**
     * {@code count} fault records that never reached the queue: more were offered
     * while the SMMU was writing than the queue could ever hold, so the excess is
     * lost as hardware loses it (overflow flag set, loss counted).
     */
    record FaultsLost(long count) implements SmmuChange {
        public FaultsLost {
            if (count < 1) {
                throw new IllegalArgumentException("a loss counts at least one record, got " + count);
            }
        }
    }

    /**
     * Software programmed SMMU_STRTAB_BASE_CFG (and STRTAB_BASE): a new, empty stream table of this
     * format. Journals from before stream-table formats have none: linear over SIDSIZE.
     */
    record StreamTableProgrammed(StreamTableFormat format) implements SmmuChange {}

    /** Software wrote level-1 descriptor {@code index} of the two-level stream table (memory, not the cache). */
    record L1DescriptorWritten(int index, L1Descriptor descriptor)
            implements SmmuChange {}

    /** The reader consumed and acknowledged the first {@code count} queued records. */
    record EventsConsumed(int count) implements SmmuChange {}

    record OverflowAcknowledged() implements SmmuChange {}
}
