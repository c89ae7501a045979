package org.iommusim.actors.iommufd;

import java.util.Optional;

/**
 * The outcome of a guest invalidation: how many entries were handled (sent to
 * the SMMU and completed by a CMD_SYNC) before the first refused one, and that
 * entry's error, if any. iommufd reports the count back in
 * {@code entry_num}, so a guest knows where to resume.
 */
public record InvalidationResult(int entriesHandled, Optional<EntryError> error) {

    /** Every entry was handled. */
    public static InvalidationResult all(int n) {
        return new InvalidationResult(n, Optional.empty());
    }

    /** Whether every entry was handled. */
    public boolean ok() {
        return error.isEmpty();
    }
}
