package org.iommusim.persistence.config;

import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * Where a translation reads its stream's configuration from: the STE, and a
 * CD by SubstreamID, read only when the STE's checks need one. A
 * {@link StreamConfig} answers from what it holds; the TCU's bounded
 * configuration cache answers by lookup, fetching from the stream table on a
 * miss, so a CD that is never needed is never looked up.
 */
public interface ConfigSource {
    Ste ste();

    /** The CD at {@code ssid}, or null when the CD table has none there. */
    Cd cd(int ssid);

    /**
     * The CD at {@code ssid} of a CD table in guest memory ({@code Ste.guestCds}): a configuration-cache hit, or
     * fetched at {@code ipa} through {@code s2} from {@code memory} and, if valid for {@code caps}, cached.
     *
     * @return how the fetch ended; null when this source cannot fetch one (the SMMU's unbounded configuration
     *         cache, which holds only what CFGI commands loaded from the stream's own CD table)
     */
    default GuestCdFetch guestCd(int ssid, long ipa, org.iommusim.persistence.pagetable.PageTable s2,
            boolean hardwareAfS2, org.iommusim.protocol.memory.GuestMemory memory,
            org.iommusim.protocol.capability.SmmuCapabilities caps) {
        return null;
    }

    /** STEs and CDs this source read from the stream table so far (configuration-cache misses); 0 for a held value. */
    default int reads() {
        return 0;
    }
}
