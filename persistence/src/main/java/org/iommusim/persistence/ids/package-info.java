/**
 * Per-SMMU allocation of VMIDs and ASIDs ({@code smmu-<n>/ids}): the lowest
 * free id is handed out, and a released id becomes free only once the
 * invalidation of everything cached under it ({@link org.iommusim.persistence.ids.IdKind#flush})
 * has completed. {@link org.iommusim.persistence.ids.IdState} is the rule;
 * the actor that hosts it sends the flushes.
 */
package org.iommusim.persistence.ids;
