package org.iommusim.actors.api;

import java.util.Optional;

/**
 * Counters of one TBU: its main TLB, and its micro-TLB when it has one.
 * Immutable, safe to share between threads.
 *
 * @param tbu   the TBU's index in its SMMU
 * @param tlb   the main TLB
 * @param micro the micro-TLB in front of it; empty when there is none
 */
public record TbuStatistics(int tbu, TlbStatistics tlb, Optional<TlbStatistics> micro) {}
