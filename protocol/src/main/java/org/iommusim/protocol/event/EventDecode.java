package org.iommusim.protocol.event;

/**
 * The outcome of decoding a record: either a well-formed {@link SmmuEvent} or an
 * {@link EventDecodeError} saying why the words are not one. Decoding reports
 * bad input this way instead of throwing, because event queue memory is
 * written by (simulated) hardware and a consumer must survive any content.
 */
public sealed interface EventDecode permits SmmuEvent, EventDecodeError {
    /** The one-line text form. */
    String toText();
}
