package org.iommusim.actors.api;

import static org.iommusim.actors.api.GuestCdApiTest.ASID;
import static org.iommusim.actors.api.GuestCdApiTest.IOVA;
import static org.iommusim.actors.api.GuestCdApiTest.IPA_B;
import static org.iommusim.actors.api.GuestCdApiTest.PA;
import static org.iommusim.actors.api.GuestCdApiTest.TREE_A;
import static org.iommusim.actors.api.GuestCdApiTest.VMID;
import static org.iommusim.actors.api.GuestCdApiTest.WINDOW;
import static org.iommusim.actors.api.GuestCdApiTest.out;
import static org.iommusim.actors.api.GuestCdApiTest.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCU's walk caches hold a guest's table descriptors read from its memory (issue Q, point 2), through the
 * facade on LevelDB: a guest that repoints an intermediate table without a TLBI that reaches table entries is
 * served the stale walk while they are cached (a TLBI by VA with LEAF=1 removes only the TLB's leaf); a TLBI by VA
 * with LEAF=0, or by ASID, makes the new tables seen.
 */
class GuestWalkCacheApiTest {
    /** A new level-3 table at window page 8 mapping IOVA to IPA_B. */
    static final long NEW_L3 = WINDOW + 0x8000;

    @Test
    void aRepointedIntermediateTableIsStaleUntilATlbiReachesTheTableEntries(@TempDir Path dir) {
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withWorkers(1))) {
            Smmu smmu = GuestCdApiTest.setUp(sim, GuestCdApiTest.bounded());
            GuestCdApiTest.GuestRam ram = GuestCdApiTest.GuestRam.standard();
            sim.setGuestMemory(smmu, ram);
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18));
            assertEquals(1, ram.readsAt(TREE_A + 0x2000));
            // what the TCU holds, as an audit reads it: the guest's table descriptors, named by the IPA they point at
            List<CachedWalk> guest = sim.cachedWalks(smmu).stream().filter(CachedWalk::guestTable).toList();
            assertEquals(List.of(TREE_A + 0x1000, TREE_A + 0x2000, TREE_A + 0x3000),
                    guest.stream().map(CachedWalk::nextTableIpa).sorted().toList(), guest.toString());
            for (CachedWalk w : guest) {
                assertEquals(-1, w.tableId());
                assertTrue(w.inPlace(GuestCdApiTest.S2), "the model does not judge the guest's frees");
                assertTrue(w.hitBy(1, VMID, ASID, IOVA));
                assertTrue(w.toString().contains("guest table descriptor -> table at IPA 0x2000"), w.toString());
            }
            // the guest builds a new level-3 table and points tree A's level-2 descriptor at it
            ram.write(NEW_L3, IPA_B | 3 | GuestCdApiTest.AF | GuestCdApiTest.AP_UNPRIV);
            ram.write(TREE_A + 0x2000, NEW_L3 | 3);
            submit(sim, smmu, TlbiNhVa.of(VMID, ASID, IOVA, true), CmdSync.poll());
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18), "LEAF=1: the cached walk to the old level-3 table");
            assertEquals(1, ram.readsAt(TREE_A + 0x2000), "the level-2 descriptor came from the walk cache");
            assertEquals(2, ram.readsAt(TREE_A + 0x3000));
            submit(sim, smmu, TlbiNhVa.of(VMID, ASID, IOVA, false), CmdSync.poll());
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18), "LEAF=0: walked again, the new table");
            assertEquals(2, ram.readsAt(TREE_A + 0x2000));
            assertEquals(1, ram.readsAt(NEW_L3));
            // back to the old table; TLBI_NH_ASID reaches every level
            ram.write(TREE_A + 0x2000, (TREE_A + 0x3000) | 3);
            submit(sim, smmu, TlbiNhVa.of(VMID, ASID, IOVA, true), CmdSync.poll());
            assertEquals(PA + 0x1018, out(sim, smmu, IOVA + 0x18), "stale again");
            submit(sim, smmu, new TlbiNhAsid(VMID, ASID), CmdSync.poll());
            assertEquals(PA + 0x18, out(sim, smmu, IOVA + 0x18), "TLBI_NH_ASID: the old table seen again");
        }
    }
}
