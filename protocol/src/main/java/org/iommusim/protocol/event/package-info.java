/**
 * SMMUv3 event queue records (reference §5): {@link org.iommusim.protocol.event.SmmuEvent}
 * with one record per event ID, the raw 32-byte form
 * {@link org.iommusim.protocol.event.RawEvent}, and the total decoder
 * {@link org.iommusim.protocol.event.EventCodec}.
 */
package org.iommusim.protocol.event;
