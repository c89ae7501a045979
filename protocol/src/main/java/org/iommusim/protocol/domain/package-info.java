/**
 * Translation domains (the page tables streams translate through, as a Linux
 * {@code iommu_domain}): their identity, the spec they are allocated with, the
 * granule, and the map and unmap batches applied to them. Addresses and sizes are
 * in bytes. The records and enums are immutable and safe to share between threads.
 */
package org.iommusim.protocol.domain;
