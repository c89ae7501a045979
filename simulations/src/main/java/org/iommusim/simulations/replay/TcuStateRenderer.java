package org.iommusim.simulations.replay;

import java.util.function.Consumer;
import org.iommusim.persistence.replay.ReplayedTcu;
import org.iommusim.persistence.tcu.CacheStats;
import org.iommusim.persistence.tcu.ConfigEntry;
import org.iommusim.persistence.tcu.IpaEntry;
import org.iommusim.persistence.tcu.Tcu;
import org.iommusim.persistence.tcu.WalkEntry;
import org.iommusim.protocol.capability.TcuCaches;

/**
 * An SMMU's TCU caches ({@code smmu-<n>/tcu}), cache by cache: a header with
 * its shape and counters, then its entries set by set. Lookups, hits and
 * misses come only from a snapshot: lookups are never journaled.
 */
final class TcuStateRenderer implements StateRenderer<ReplayedTcu> {

    @Override
    public void lines(ReplayedTcu r, Consumer<String> out) {
        Tcu tcu = r.tcu();
        java.util.List<CacheStats> stats = tcu.stats();
        int k = 0;
        for (int stage = 1; stage <= 2; stage++) {
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                out.accept(header(stats.get(k++), tcu.shape().walk(stage, level).toString()));
                for (WalkEntry e : tcu.walkEntries(stage, level)) {
                    out.accept("  " + describe(e));
                }
            }
        }
        out.accept(header(stats.get(k++), tcu.shape().ipaCache().toString()));
        for (IpaEntry e : tcu.ipaEntries()) {
            out.accept("  " + describe(e));
        }
        if (tcu.configBounded()) {
            out.accept(header(stats.get(k), tcu.shape().configCache().toString()));
            for (ConfigEntry e : tcu.configEntries()) {
                out.accept("  " + describe(e));
            }
        }
    }

    /** A configuration-cache entry as the state and timeline lines show it. */
    static String describe(ConfigEntry e) {
        return "sid=0x" + Integer.toHexString(e.sid()) + (e.isSte() ? " STE " + ConfigText.ste(e.ste())
                : " ssid=" + e.ssid() + " CD " + (e.cd() != null ? ConfigText.cd(e.cd()) : guestCd(e.guestCd())));
    }

    /** A CD fetched from guest memory: where it was read and its first two doublewords (the fields decoded). */
    static String guestCd(org.iommusim.persistence.config.GuestCd c) {
        return "from guest memory ipa=0x" + Long.toHexString(c.ipa()) + " pa=0x" + Long.toHexString(c.pa())
                + " dw0=0x" + Long.toHexString(c.words().get(0)) + " dw1=0x" + Long.toHexString(c.words().get(1));
    }

    private static String header(CacheStats s, String shape) {
        return s.name() + " " + shape + " entries=" + s.size() + " lookups=" + s.lookups() + " hits=" + s.hits()
                + " misses=" + s.misses() + " fills=" + s.fills() + " evictions=" + s.evictions() + " invalidated="
                + s.invalidations() + (s.freedTableReads() == 0 ? "" : " freedTableReads=" + s.freedTableReads());
    }

    /** A walk-cache entry as the state and timeline lines show it. */
    static String describe(WalkEntry e) {
        return "vmid=0x" + Integer.toHexString(e.vmid()) + (e.asid() < 0 ? "" : " asid=0x" + Integer.toHexString(e.asid()))
                + " va=0x" + Long.toHexString(e.base()) + " size=0x" + Long.toHexString(e.size())
                + (e.leaf() ? " leaf descriptor=0x" + Long.toHexString(e.value()) : " table=" + e.value());
    }

    static String describe(IpaEntry e) {
        return "vmid=0x" + Integer.toHexString(e.vmid()) + " ipa=0x" + Long.toHexString(e.page() << IpaEntry.PAGE_SHIFT)
                + " level=" + e.level() + " size=0x" + Long.toHexString(e.leafSize()) + " descriptor=0x"
                + Long.toHexString(e.descriptor());
    }
}
