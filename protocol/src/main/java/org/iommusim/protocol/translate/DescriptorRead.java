package org.iommusim.protocol.translate;

/**
 * One translation-table descriptor a walk read from memory, for a timing
 * model that charges each access ({@link WalkDetail#descriptors()}).
 *
 * <p>The model keeps page tables as objects, not in memory: a descriptor is
 * named by the table page that holds it ({@code tableId}: the domain's root
 * table is 0, every other page has an identity that is never reused within
 * the domain, which the TCU's walk caches use as hardware uses the page's
 * address) and its {@code index} in that page. An {@code address} is given
 * where the model places the tables at addresses: the stage-1 tables of a
 * nested stream whose CD gives TTB0 (page {@code k} at TTB0 + k * granule,
 * the rule the walker's stage-2 checks of those reads use), where it is the
 * descriptor's IPA, and a guest's own stage-1 tables in guest memory
 * ({@code Cd.withGuestTables}), where it is the descriptor's IPA as the walk
 * read it and {@code tableId} is -1 (the model holds no page for it).
 * Elsewhere it is -1.
 *
 * @param stage   1 or 2: which stage's table holds the descriptor
 * @param level   the lookup level (0 to 3; -1 with 52-bit 4K tables)
 * @param tableId the identity of the table page in its domain, or -1 when not known (the stage-2 reads
 *                that translate a stage-1 descriptor whose IPA the model does not know)
 * @param index   the descriptor's index in its table page, or -1 when not known
 * @param address the descriptor's address (an IPA for a nested stream's stage-1 tables), or -1 when the
 *                model gives the table no address
 */
public record DescriptorRead(int stage, int level, long tableId, int index, long address) {
    /** Refuses a stage other than 1 or 2. */
    public DescriptorRead {
        if (stage != 1 && stage != 2) {
            throw new IllegalArgumentException("a descriptor is in a stage-1 or stage-2 table, not stage " + stage);
        }
    }

    /** Whether the model gives this descriptor an address. */
    public boolean hasAddress() {
        return address != -1;
    }
}
