/**
 * SMMUv3 event queue records (reference §5): {@link org.iommusim.protocol.event.SmmuEvent}
 * with one record per event ID, the raw 32-byte form
 * {@link org.iommusim.protocol.event.RawEvent}, and the total decoder
 * {@link org.iommusim.protocol.event.EventCodec}. The records and enums are
 * immutable and the codec stateless: all safe to share between threads. Record
 * constructors check field widths and throw {@link java.lang.IllegalArgumentException}
 * naming the field (or {@link java.lang.NullPointerException} for a missing part).
 */
package org.iommusim.protocol.event;
