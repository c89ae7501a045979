/**
 * An iommufd-style host interface over the model's SMMUs: IO address spaces,
 * paging and nested HWPTs, vIOMMUs and vDEVICEs, guest command filtering, and a
 * VFIO type1 compatibility container, with Linux's errno for every refusal.
 * Start at {@link org.iommusim.actors.iommufd.IommufdHost}; docs/EMBEDDING.md
 * walks through a tiny VMM built on it.
 */
package org.iommusim.actors.iommufd;
