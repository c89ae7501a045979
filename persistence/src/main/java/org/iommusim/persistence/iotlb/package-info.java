/**
 * The IOTLB: the pure, event-sourced state machine of one shard
 * ({@link org.iommusim.persistence.iotlb.IotlbShard}), the single rule of what
 * each invalidation removes ({@link org.iommusim.persistence.iotlb.Invalidation}),
 * its events and their binary codecs.
 *
 * <h2>Entries</h2>
 * Tagged by VMID, ASID ({@code NO_ASID} for pure stage-2 entries), input
 * address (IOVA, or IPA for stage 2), size, granule and level, and a kind:
 * STAGE1, STAGE2, or NESTED (a combined stage-1 + stage-2 result). Streams
 * that do not use stage 2 tag their entries with VMID 0, as Linux does. The
 * model creates no EL2 (hypervisor) or EL3 (secure) entries.
 *
 * <h2>What each command removes (reference §2)</h2>
 * <table>
 *   <caption>Invalidation rule, as implemented by {@code Invalidation.matches}</caption>
 *   <tr><th>command</th><th>removes</th></tr>
 *   <tr><td>TLBI_NH_VA</td><td>STAGE1 and NESTED entries of (VMID, ASID) overlapping the span: the page
 *       at VA, or the TG/SCALE/NUM range; with TTL&ne;0 only entries whose level is TTL</td></tr>
 *   <tr><td>TLBI_NH_VAA</td><td>as NH_VA, for every ASID of the VMID</td></tr>
 *   <tr><td>TLBI_NH_ASID</td><td>every STAGE1 and NESTED entry of (VMID, ASID)</td></tr>
 *   <tr><td>TLBI_NH_ALL</td><td>every STAGE1 and NESTED entry of the VMID</td></tr>
 *   <tr><td>TLBI_S2_IPA</td><td>STAGE2 entries of the VMID overlapping the IPA span (TTL as for NH_VA);
 *       NOT NESTED entries</td></tr>
 *   <tr><td>TLBI_S12_VMALL</td><td>every entry of the VMID: STAGE1, STAGE2 and NESTED</td></tr>
 *   <tr><td>TLBI_NSNH_ALL</td><td>every entry</td></tr>
 *   <tr><td>TLBI_EL2_*, TLBI_EL3_*</td><td>nothing: no EL2/EL3 entries exist in the model</td></tr>
 *   <tr><td>CFGI_* (and every other command)</td><td>nothing: configuration caches only, never TLB entries</td></tr>
 * </table>
 * LEAF=1 changes nothing: every IOTLB entry is a leaf, and walk caches are not
 * modelled. A non-range address TLBI covers {@code [addr, addr + 4K)}, which an
 * aligned entry of any size overlaps exactly when it contains {@code addr}, so
 * a 2M block goes on a TLBI of any page inside it.
 *
 * <h2>Events</h2>
 * {@code Filled(entry, victim)} (victim named, since LRU order depends on
 * unlogged hits), {@code Invalidated(command, removed)}, {@code Flushed}.
 * Lookups persist nothing.
 */
package org.iommusim.persistence.iotlb;
