package org.iommusim.persistence.tcu;

/**
 * One IPA-cache entry: the stage-2 leaf descriptor that translates the 4K
 * IPA page {@code page} of {@code vmid} (keyed per 4K page whatever the leaf's
 * size, so a lookup needs no size).
 *
 * @param level      the level the leaf was found at
 * @param descriptor the leaf descriptor as read
 * @param leafSize   bytes the leaf maps, for range invalidation
 */
public record IpaEntry(int vmid, long page, int level, long descriptor, long leafSize) {
    public static final int PAGE_SHIFT = 12;

    /** Whether a stage-2 lookup of {@code ipa} for {@code vmid} finds this entry ({@link IpaCache}'s rule). */
    public boolean hitBy(int vmid, long ipa) {
        return this.page == ipa >>> PAGE_SHIFT && this.vmid == vmid;
    }
}
