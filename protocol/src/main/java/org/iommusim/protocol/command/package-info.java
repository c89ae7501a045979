/**
 * SMMUv3 commands (Arm IHI 0070, chapter 4): one record per opcode implementing
 * {@link org.iommusim.protocol.command.Command}, the raw 16-byte form
 * {@link org.iommusim.protocol.command.RawCommand}, the decoder
 * {@link org.iommusim.protocol.command.CommandCodec} (never throws: a refused
 * entry is a {@link org.iommusim.protocol.command.CommandError}) and the range-TLBI
 * builder {@link org.iommusim.protocol.command.RangeInvalidation}. Constructors
 * refuse a field out of its width with {@link java.lang.IllegalArgumentException}
 * naming the field, so every value is one the model would decode. Records and
 * enums are immutable and the codecs stateless: all safe to share between threads.
 */
package org.iommusim.protocol.command;
