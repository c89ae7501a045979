/**
 * Bit-field helpers for the SMMUv3 layouts ({@code [hi:lo]}, inclusive) and the
 * one-line text form. {@link org.iommusim.protocol.bits.Bits} and
 * {@link org.iommusim.protocol.bits.Hex} are stateless (safe from any thread);
 * {@link org.iommusim.protocol.bits.TextLine} is a builder for one thread.
 */
package org.iommusim.protocol.bits;
