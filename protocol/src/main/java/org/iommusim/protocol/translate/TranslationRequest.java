package org.iommusim.protocol.translate;

/**
 * One DMA transaction as it reaches the SMMU.
 *
 * @param ssv        whether the transaction carries a SubstreamID (PASID)
 * @param privileged the PnU attribute: privileged (true) or unprivileged
 */
public record TranslationRequest(int sid, boolean ssv, int ssid, long iova, Access access, boolean privileged) {
    /**
     * Checks the fields; {@code sid} and {@code iova} are taken as given (the SMMU judges them against its
     * configuration).
     * @throws IllegalArgumentException if {@code access} is null, {@code ssid} does not fit in 20 bits, or is
     *        non-zero without {@code ssv}
     */
    public TranslationRequest {
        if (access == null) {
            throw new IllegalArgumentException("a translation request needs an access kind");
        }
        if (ssid < 0 || ssid > 0xFFFFF) {
            throw new IllegalArgumentException("ssid=" + ssid + " is outside 20 bits");
        }
        if (!ssv && ssid != 0) {
            throw new IllegalArgumentException("ssid=" + ssid + " given without ssv");
        }
    }

    /**
     * An unprivileged transaction without a SubstreamID.
     * @return the request
     * @throws IllegalArgumentException if {@code access} is null
     */
    public static TranslationRequest of(int sid, long iova, Access access) {
        return new TranslationRequest(sid, false, 0, iova, access, false);
    }

    /**
     * An unprivileged transaction with SubstreamID {@code ssid}.
     * @return the request
     * @throws IllegalArgumentException if {@code access} is null or {@code ssid} does not fit in 20 bits
     */
    public static TranslationRequest withSsid(int sid, int ssid, long iova, Access access) {
        return new TranslationRequest(sid, true, ssid, iova, access, false);
    }
}
