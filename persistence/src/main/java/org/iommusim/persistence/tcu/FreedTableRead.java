package org.iommusim.persistence.tcu;

/**
 * A walk that followed a walk-cache table entry to a table page that had been
 * freed (software invalidated with LEAF=1 only, or not at all, before freeing
 * it): the use-after-free the checker reports.
 *
 * @param stage   1 or 2
 * @param level   the level of the freed table page
 * @param asid    the ASID for stage 1, -1 for stage 2
 * @param iova    the input address being walked (an IPA for stage 2)
 * @param tableId the identity of the freed table page
 */
public record FreedTableRead(int stage, int level, int vmid, int asid, long iova, long tableId) {}
