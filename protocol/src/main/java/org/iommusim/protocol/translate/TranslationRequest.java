package org.iommusim.protocol.translate;

/**
 * One DMA transaction as it reaches the SMMU.
 *
 * @param ssv        whether the transaction carries a SubstreamID (PASID)
 * @param privileged the PnU attribute: privileged (true) or unprivileged
 */
public record TranslationRequest(int sid, boolean ssv, int ssid, long iova, Access access, boolean privileged) {
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

    public static TranslationRequest of(int sid, long iova, Access access) {
        return new TranslationRequest(sid, false, 0, iova, access, false);
    }

    public static TranslationRequest withSsid(int sid, int ssid, long iova, Access access) {
        return new TranslationRequest(sid, true, ssid, iova, access, false);
    }
}
