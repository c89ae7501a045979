/**
 * What an SMMU advertises and how its caches are shaped:
 * {@link org.iommusim.protocol.capability.SmmuCapabilities} and the TBU and TCU
 * cache shapes. The records are immutable (collections are copied when built) and
 * safe to share between threads; only {@code SmmuCapabilities.Builder} is mutable,
 * for use by one thread.
 */
package org.iommusim.protocol.capability;
