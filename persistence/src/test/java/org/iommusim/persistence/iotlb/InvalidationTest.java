package org.iommusim.persistence.iotlb;

import static org.iommusim.persistence.iotlb.Entries.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CfgiSteRange;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandOpcode;
import org.iommusim.protocol.command.TlbiCommand;
import org.iommusim.protocol.command.TlbiEl2All;
import org.iommusim.protocol.command.TlbiEl2Asid;
import org.iommusim.protocol.command.TlbiEl2Va;
import org.iommusim.protocol.command.TlbiEl2Vaa;
import org.iommusim.protocol.command.TlbiEl3All;
import org.iommusim.protocol.command.TlbiEl3Va;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiNsnhAll;
import org.iommusim.protocol.command.TlbiRange;
import org.iommusim.protocol.command.TlbiS12Vmall;
import org.iommusim.protocol.command.TlbiS2Ipa;
import org.iommusim.protocol.domain.Granule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per row of the reference §2 table, on a shard holding entries of every kind and two VMIDs. */
class InvalidationTest {
    static final long VA = 0x40_1000L;

    // VMID 1: two ASIDs of stage 1, a nested entry, a pure stage-2 entry; VMID 2: the same shapes.
    final IotlbEntry s1a1 = s1(1, 1, VA);
    final IotlbEntry s1a1other = s1(1, 1, VA + K4);
    final IotlbEntry s1a2 = s1(1, 2, VA);
    final IotlbEntry n1a1 = nested(1, 1, VA);
    final IotlbEntry n1a2 = nested(1, 2, VA + K4);
    final IotlbEntry s2v1 = s2(1, VA);
    final IotlbEntry s1v2 = s1(2, 1, VA);
    final IotlbEntry n2a1 = nested(2, 1, VA);
    final IotlbEntry s2v2 = s2(2, VA);
    final List<IotlbEntry> all = List.of(s1a1, s1a1other, s1a2, n1a1, n1a2, s2v1, s1v2, n2a1, s2v2);

    private Set<IotlbEntry> removedBy(TlbiCommand command) {
        IotlbShard shard = filled(all.toArray(IotlbEntry[]::new));
        IotlbEvent.Invalidated event = shard.invalidate(command);
        Set<IotlbEntry> removed = all.stream().filter(e -> !shard.entries().contains(e)).collect(Collectors.toSet());
        assertEquals(removed.size(), event.removed(), "the decided count is what apply removed");
        assertEquals(removed, all.stream().filter(e -> Invalidation.matches(command, e)).collect(Collectors.toSet()),
                "the shard removes exactly what Invalidation.matches selects");
        assertEquals(1, shard.stats().invalidations(command.opcode()));
        return removed;
    }

    @Test
    void nhVaRemovesStage1AndNestedEntriesOfThatVmidAndAsidAtVa() {
        assertEquals(Set.of(s1a1, n1a1), removedBy(TlbiNhVa.of(1, 1, VA, false)));
    }

    @Test
    void nhVaaRemovesEveryAsidOfTheVmidButNotOtherVmidsOrStage2() {
        assertEquals(Set.of(s1a1, s1a2, n1a1), removedBy(new TlbiNhVaa(1, VA, false, TlbiRange.NONE)));
        assertEquals(Set.of(s1v2, n2a1), removedBy(new TlbiNhVaa(2, VA, true, TlbiRange.NONE)));
    }

    @Test
    void nhAsidRemovesEveryStage1AndNestedEntryOfVmidAndAsid() {
        assertEquals(Set.of(s1a1, s1a1other, n1a1), removedBy(new TlbiNhAsid(1, 1)));
    }

    @Test
    void nhAllRemovesEveryStage1AndNestedEntryOfTheVmidOnly() {
        assertEquals(Set.of(s1a1, s1a1other, s1a2, n1a1, n1a2), removedBy(new TlbiNhAll(1)));
    }

    @Test
    void s2IpaRemovesThePureStage2EntryButLeavesTheCombinedNestedEntry() {
        assertEquals(Set.of(s2v1), removedBy(TlbiS2Ipa.of(1, VA, false)));
        IotlbShard shard = filled(n1a1, s2v1);
        shard.invalidate(TlbiS2Ipa.of(1, VA, true));
        assertEquals(List.of(n1a1), shard.entries(), "software must follow S2_IPA with S12_VMALL or NH_*");
        assertTrue(shard.lookup(1, 1, IotlbEntry.Kind.NESTED, VA).isPresent());
    }

    @Test
    void s12VmallRemovesEveryEntryOfTheVmidCombinedIncluded() {
        assertEquals(Set.of(s1a1, s1a1other, s1a2, n1a1, n1a2, s2v1), removedBy(new TlbiS12Vmall(1)));
    }

    @Test
    void nsnhAllRemovesEverything() {
        assertEquals(Set.copyOf(all), removedBy(new TlbiNsnhAll()));
    }

    @Test
    void el2AndEl3TlbisRemoveNothingBecauseTheModelHasNoEl2OrEl3Entries() {
        List<TlbiCommand> commands = List.of(new TlbiEl2All(), new TlbiEl2Asid(1), new TlbiEl2Va(1, VA, false, TlbiRange.NONE),
                new TlbiEl2Vaa(VA, false, TlbiRange.NONE), new TlbiEl3All(), new TlbiEl3Va(VA, false, TlbiRange.NONE),
                new TlbiEl2Va(0, 0, false, TlbiRange.of(Granule.G4K, 20, 31, 0)));
        for (TlbiCommand c : commands) {
            assertEquals(Set.of(), removedBy(c), c.toText());
            assertFalse(Invalidation.removesTlbEntries(c));
        }
    }

    @Test
    void cfgiCommandsNeverRemoveTlbEntries() {
        List<Command> commands = List.of(new CfgiSte(0, false), new CfgiSteRange(0, 31), new CfgiCd(0, 0, true),
                new CfgiCdAll(0));
        for (Command c : commands) {
            assertFalse(Invalidation.removesTlbEntries(c));
            for (IotlbEntry e : all) {
                assertFalse(Invalidation.matches(c, e), c.toText() + " " + e);
            }
        }
    }

    @Test
    void everyRemovingTlbiIsReportedAsSuch() {
        for (CommandOpcode op : List.of(CommandOpcode.TLBI_NH_VA, CommandOpcode.TLBI_NH_VAA, CommandOpcode.TLBI_NH_ASID,
                CommandOpcode.TLBI_NH_ALL, CommandOpcode.TLBI_S2_IPA, CommandOpcode.TLBI_S12_VMALL,
                CommandOpcode.TLBI_NSNH_ALL)) {
            Command c = switch (op) {
                case TLBI_NH_VA -> TlbiNhVa.of(0, 0, 0, false);
                case TLBI_NH_VAA -> new TlbiNhVaa(0, 0, false, TlbiRange.NONE);
                case TLBI_NH_ASID -> new TlbiNhAsid(0, 0);
                case TLBI_NH_ALL -> new TlbiNhAll(0);
                case TLBI_S2_IPA -> TlbiS2Ipa.of(0, 0, false);
                case TLBI_S12_VMALL -> new TlbiS12Vmall(0);
                default -> new TlbiNsnhAll();
            };
            assertTrue(Invalidation.removesTlbEntries(c), op.name());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 0x1000, 0x7F000, 0x1FF000})
    void a2MBlockGoesOnANhVaOfAny4KPageInsideIt(long offset) {
        IotlbEntry block = s1Block(3, 4, 0x4020_0000L);
        IotlbShard shard = filled(block);
        assertEquals(1, shard.invalidate(TlbiNhVa.of(3, 4, 0x4020_0000L + offset, true)).removed());
        assertEquals(List.of(), shard.entries());
    }

    @Test
    void a2MBlockStaysOnANhVaJustOutsideIt() {
        IotlbEntry block = s1Block(3, 4, 0x4020_0000L);
        IotlbShard shard = filled(block);
        shard.invalidate(TlbiNhVa.of(3, 4, 0x4040_0000L, false));
        shard.invalidate(TlbiNhVa.of(3, 4, 0x401F_F000L, false));
        assertEquals(List.of(block), shard.entries());
    }

    @Test
    void rangeNhVaCoversExactlyItsTgScaleNumSpan() {
        // TG=4K, SCALE=1, NUM=1: (1+1) * 2^1 = 4 pages from 0x10000, i.e. [0x10000, 0x14000).
        List<IotlbEntry> pages = new ArrayList<>();
        for (long va = 0xE000; va <= 0x15000; va += K4) {
            pages.add(s1(1, 1, va));
        }
        IotlbShard shard = filled(pages.toArray(IotlbEntry[]::new));
        TlbiNhVa range = new TlbiNhVa(1, 1, 0x10000, true, TlbiRange.of(Granule.G4K, 1, 1, 0));
        assertEquals(4, shard.invalidate(range).removed());
        assertEquals(List.of(0xE000L, 0xF000L, 0x14000L, 0x15000L),
                shard.entries().stream().map(IotlbEntry::va).toList(), "the page just past the end survives");
    }

    @Test
    void rangeS2IpaIn64KGranuleCoversExactlyItsSpan() {
        // TG=64K, SCALE=0, NUM=1, TTL=3: two 64K pages from 0x100000.
        IotlbEntry before = IotlbEntry.stage2(5, 0xF0000, Granule.G64K, 3, 0, RW);
        IotlbEntry first = IotlbEntry.stage2(5, 0x100000, Granule.G64K, 3, 0, RW);
        IotlbEntry second = IotlbEntry.stage2(5, 0x110000, Granule.G64K, 3, 0, RW);
        IotlbEntry after = IotlbEntry.stage2(5, 0x120000, Granule.G64K, 3, 0, RW);
        IotlbShard shard = filled(before, first, second, after);
        shard.invalidate(new TlbiS2Ipa(5, 0x100000, true, TlbiRange.of(Granule.G64K, 0, 1, 3)));
        assertEquals(List.of(before, after), shard.entries());
    }

    @Test
    void rangeTtlRestrictsRemovalToEntriesOfThatLevel() {
        IotlbEntry block = s1Block(1, 1, 0x20_0000);      // level 2
        IotlbEntry page = s1(1, 1, 0x40_0000);            // level 3
        IotlbEntry nestedBlockLeaf = IotlbEntry.nested(1, 1, 0x60_0000, K4, Granule.G4K, 2, 0, RW); // stage-1 leaf at level 2
        TlbiRange wide = TlbiRange.of(Granule.G4K, 11, 0, 0); // 2048 pages: [0, 8M)
        TlbiRange ttl3 = TlbiRange.of(Granule.G4K, 11, 0, 3);
        TlbiRange ttl2 = TlbiRange.of(Granule.G4K, 11, 0, 2);

        IotlbShard shard = filled(block, page, nestedBlockLeaf);
        shard.invalidate(new TlbiNhVa(1, 1, 0, true, ttl3));
        assertEquals(List.of(block, nestedBlockLeaf), shard.entries(), "TTL=3 leaves the level-2 entries");

        shard = filled(block, page, nestedBlockLeaf);
        shard.invalidate(new TlbiNhVaa(1, 0, true, ttl2));
        assertEquals(List.of(page), shard.entries(), "TTL=2 leaves the level-3 page; a nested entry's level is its stage-1 leaf's");

        shard = filled(block, page, nestedBlockLeaf);
        shard.invalidate(new TlbiNhVa(1, 1, 0, false, wide));
        assertEquals(List.of(), shard.entries(), "TTL=0: any level");
    }

    @Test
    void ttlAlsoRestrictsS2Ipa() {
        IotlbEntry block = IotlbEntry.stage2(1, 0x20_0000, Granule.G4K, 2, 0, RW);
        IotlbShard shard = filled(block);
        shard.invalidate(new TlbiS2Ipa(1, 0x20_0000, true, TlbiRange.of(Granule.G4K, 0, 0, 3)));
        assertEquals(List.of(block), shard.entries());
        shard.invalidate(new TlbiS2Ipa(1, 0x20_0000, true, TlbiRange.of(Granule.G4K, 0, 0, 2)));
        assertEquals(List.of(), shard.entries());
    }

    @Test
    void leafFlagDoesNotChangeWhatIsRemovedBecauseEveryEntryIsALeaf() {
        for (IotlbEntry e : all) {
            assertEquals(Invalidation.matches(TlbiNhVa.of(1, 1, VA, false), e), Invalidation.matches(TlbiNhVa.of(1, 1, VA, true), e));
            assertEquals(Invalidation.matches(TlbiS2Ipa.of(1, VA, false), e), Invalidation.matches(TlbiS2Ipa.of(1, VA, true), e));
        }
    }

    @Test
    void stage1OnlyStreamsUseVmid0SoNhCommandsNameVmid0() {
        IotlbEntry linuxS1 = s1(0, 7, VA);
        IotlbEntry otherVmid = s1(1, 7, VA);
        IotlbShard shard = filled(linuxS1, otherVmid);
        shard.invalidate(new TlbiNhAsid(0, 7));
        assertEquals(List.of(otherVmid), shard.entries());
    }
}
