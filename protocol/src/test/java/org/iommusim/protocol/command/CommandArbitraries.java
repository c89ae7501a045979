package org.iommusim.protocol.command;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random valid commands of every opcode, for round-trip properties. */
final class CommandArbitraries {
    private CommandArbitraries() {}

    static Arbitrary<Integer> sid() {
        return Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static Arbitrary<Integer> u16() {
        return Arbitraries.integers().between(0, 0xFFFF);
    }

    static Arbitrary<Integer> ssid() {
        return Arbitraries.integers().between(0, 0xFFFFF);
    }

    static Arbitrary<Long> va() {
        return Arbitraries.longs().map(v -> v & ~0xFFFL);
    }

    static Arbitrary<Long> ipa() {
        return Arbitraries.longs().map(v -> v & 0x000F_FFFF_FFFF_F000L);
    }

    static Arbitrary<Boolean> bool() {
        return Arbitraries.of(true, false);
    }

    /** Valid range fields, rejecting the reserved combinations by construction. */
    static Arbitrary<TlbiRange> range() {
        Arbitrary<TlbiRange> ranges = Combinators.combine(
                        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 31),
                        Arbitraries.integers().between(0, 31), Arbitraries.integers().between(0, 3))
                .as((tg, scale, num, ttl) -> new int[] {tg, scale, num, ttl})
                .filter(f -> !(f[3] == 0 && f[2] == 0 && f[1] == 0) && !(f[3] == 1 && f[0] >= 2))
                .map(f -> new TlbiRange(f[0], f[1], f[2], f[3]));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just(TlbiRange.NONE)), net.jqwik.api.Tuple.of(2, ranges));
    }

    /** (ssv, ssid) pairs the architecture allows: no SSID without SSV. */
    static Arbitrary<int[]> substream() {
        return Arbitraries.oneOf(Arbitraries.just(new int[] {0, 0}), ssid().map(s -> new int[] {1, s}));
    }

    static Arbitrary<Command> any() {
        List<Arbitrary<? extends Command>> all = List.of(
                Combinators.combine(sid(), substream()).as((s, ss) -> new PrefetchConfig(s, ss[0] == 1, ss[1])),
                Combinators.combine(sid(), substream(), Arbitraries.integers().between(0, 31), va())
                        .as((s, ss, size, a) -> new PrefetchAddr(s, ss[0] == 1, ss[1], size, a)),
                Combinators.combine(sid(), bool()).as(CfgiSte::new),
                Combinators.combine(sid(), Arbitraries.integers().between(0, 31)).as(CfgiSteRange::new),
                Combinators.combine(sid(), ssid(), bool()).as(CfgiCd::new),
                sid().map(CfgiCdAll::new),
                u16().map(TlbiNhAll::new),
                Combinators.combine(u16(), u16()).as(TlbiNhAsid::new),
                Combinators.combine(u16(), u16(), va(), bool(), range()).as(TlbiNhVa::new),
                Combinators.combine(u16(), va(), bool(), range()).as(TlbiNhVaa::new),
                Arbitraries.just(new TlbiEl3All()),
                Combinators.combine(va(), bool(), range()).as(TlbiEl3Va::new),
                Arbitraries.just(new TlbiEl2All()),
                u16().map(TlbiEl2Asid::new),
                Combinators.combine(u16(), va(), bool(), range()).as(TlbiEl2Va::new),
                Combinators.combine(va(), bool(), range()).as(TlbiEl2Vaa::new),
                u16().map(TlbiS12Vmall::new),
                Combinators.combine(u16(), ipa(), bool(), range()).as(TlbiS2Ipa::new),
                Arbitraries.just(new TlbiNsnhAll()),
                Combinators.combine(sid(), substream(), bool(), Arbitraries.integers().between(0, 52), va())
                        .as((s, ss, g, size, a) -> new AtcInv(s, ss[0] == 1, ss[1], g, size, a)),
                Combinators.combine(sid(), substream(), Arbitraries.integers().between(0, 0x1FF),
                                Arbitraries.of(PriResponse.class))
                        .as((s, ss, g, r) -> new PriResp(s, ss[0] == 1, ss[1], g, r)),
                Combinators.combine(sid(), Arbitraries.of(ResumeAction.class), u16()).as(Resume::new),
                sid().map(StallTerm::new),
                Combinators.combine(Arbitraries.of(SyncCompletion.class), Arbitraries.integers().between(0, 3),
                                Arbitraries.integers().between(0, 15), Arbitraries.integers(),
                                Arbitraries.longs().map(a -> a & 0x000F_FFFF_FFFF_FFFCL))
                        .as(CmdSync::new));
        if (all.size() != CommandOpcode.values().length) {
            throw new AssertionError("one generator per opcode expected");
        }
        return Arbitraries.oneOf(all);
    }
}
