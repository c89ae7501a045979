package org.iommusim.simulations.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;
import org.iommusim.simulations.scenario.DriverDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver model sets up the stream table as Linux's arm-smmu-v3 does (arm_smmu_init_strtab,
 * arm_smmu_init_l2_strtab; Arm IHI 0070, 3.3.2 and 6.3.1 IDR0.ST_LEVEL).
 */
class LinuxStreamTableTest {

    /** Two levels when ST_LEVEL allows and SIDSIZE > STRTAB_SPLIT; at most 2^17 level-1 descriptors. */
    @Test
    void theFormatIsLinuxsChoice() {
        SmmuCapabilities d = SmmuCapabilities.defaults();
        assertEquals(StreamTableFormat.twoLevel(16, 8), LinuxStreamTable.format(d));
        assertEquals(StreamTableFormat.twoLevel(25, 8), LinuxStreamTable.format(d.toBuilder().sidBits(32).build()));
        assertEquals(StreamTableFormat.linear(8), LinuxStreamTable.format(d.toBuilder().sidBits(8).build()),
                "SIDSIZE <= STRTAB_SPLIT: one level-2 array would do, so linear");
        assertEquals(StreamTableFormat.linear(16), LinuxStreamTable.format(d.toBuilder().twoLevelStreamTables(false)
                .build()));
    }

    /** A run's SMMU journal: the table programmed first, then one L1STD (SPAN = 9) per attached level-2 range. */
    @Test
    void aRunProgramsTheTableAndWritesTheL1DescriptorOfEachAttachedStream(@TempDir Path dir) throws Exception {
        Simulation.run(TestScenarios.nic(TestScenarios.driver(DriverDef.Strategy.STRICT), 200, List.of()), dir, false,
                p -> {});
        List<Object> table = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dir.resolve("journal")); EventCursor events = reader.allEvents()) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                if (e.persistenceId().equals("smmu-0") && (e.payload() instanceof SmmuChange.StreamTableProgrammed
                        || e.payload() instanceof SmmuChange.L1DescriptorWritten || e.payload() instanceof SmmuChange.Submitted)) {
                    table.add(e.payload() instanceof SmmuChange.Submitted ? "submitted" : e.payload());
                }
            }
        }
        // streams 16 and 17 share level-1 descriptor 0: written once, before the first STE's CFGI
        assertEquals(List.of(new SmmuChange.StreamTableProgrammed(StreamTableFormat.twoLevel(16, 8)),
                new SmmuChange.L1DescriptorWritten(0, new L1Descriptor(9, 0x40_0000_0000L)), "submitted"),
                table.subList(0, 3));
        assertEquals(2, table.stream().filter(x -> !x.equals("submitted")).count());
    }
}
