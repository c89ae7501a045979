package org.iommusim.simulations.engine;

import java.util.HashSet;
import java.util.Set;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.Smmu;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.config.L1Descriptor;
import org.iommusim.protocol.config.StreamTableFormat;

/**
 * The stream table of one SMMU as Linux's arm-smmu-v3 driver sets it up. At probe
 * ({@code arm_smmu_init_strtab}) it uses a two-level table when IDR0.ST_LEVEL says so and
 * SIDSIZE is larger than STRTAB_SPLIT (8), with at most 2^17 level-1 descriptors (a 1 MB
 * level-1 table), else a linear table of 2^SIDSIZE STEs. When a master is added
 * ({@code arm_smmu_init_l2_strtab}) the level-2 array for its StreamID is allocated on
 * demand and its level-1 descriptor written with SPAN = STRTAB_SPLIT + 1, with no CFGI: an
 * invalid descriptor cannot have been cached. Level-2 arrays are never freed.
 */
final class LinuxStreamTable {
    /** STRTAB_SPLIT: level-2 arrays of 256 STEs (16 KB). */
    static final int SPLIT = 8;
    /** STRTAB_MAX_L1_ENTRIES is 2^17 (STRTAB_L1_SZ_SHIFT 20, 8-byte descriptors). */
    private static final int MAX_L1_BITS = 17;
    /** Where the model's level-2 arrays "are" (their DMA addresses; the model keeps STEs per StreamID). */
    private static final long L2_BASE = 0x40_0000_0000L;
    private static final long L2_BYTES = (1L << SPLIT) * 64;

    private final Set<Integer> allocated = new HashSet<>();
    private final StreamTableFormat format;

    LinuxStreamTable(SmmuCapabilities caps) {
        this.format = format(caps);
    }

    static StreamTableFormat format(SmmuCapabilities caps) {
        if (caps.twoLevelStreamTables() && caps.sidBits() > SPLIT) {
            return StreamTableFormat.twoLevel(Math.min(caps.sidBits(), MAX_L1_BITS + SPLIT), SPLIT);
        }
        return StreamTableFormat.linear(caps.sidBits());
    }

    /** Probe: programs STRTAB_BASE_CFG (before any command). */
    void probe(IommuSim sim, Smmu smmu) {
        sim.programStreamTable(smmu, format);
    }

    /** Before a master's STE is written: its level-2 array, if this is the first master in it. */
    void addMaster(IommuSim sim, Smmu smmu, int sid) {
        if (!format.twoLevel()) {
            return;
        }
        int index = (int) (Integer.toUnsignedLong(sid) >>> SPLIT);
        if (allocated.add(index)) {
            sim.writeL1Descriptor(smmu, index, new L1Descriptor(SPLIT + 1, L2_BASE + index * L2_BYTES));
        }
    }
}
