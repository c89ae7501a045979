package org.iommusim.protocol.event;

import java.util.Optional;

/** The event TYPE codes of reference §5, with the architecture's names. */
public enum EventId {
    /** F_UUT: unsupported upstream transaction. */
    F_UUT(0x01, EventKind.TRANSLATION_FAULT),
    /** C_BAD_STREAMID: StreamID out of range or its level-1 descriptor invalid. */
    C_BAD_STREAMID(0x02, EventKind.CONFIGURATION),
    /** F_STE_FETCH: external abort fetching the STE. */
    F_STE_FETCH(0x03, EventKind.FETCH_ABORT),
    /** C_BAD_STE: invalid or illegally configured STE. */
    C_BAD_STE(0x04, EventKind.CONFIGURATION),
    /** F_BAD_ATS_TREQ: malformed or disallowed ATS translation request. */
    F_BAD_ATS_TREQ(0x05, EventKind.TRANSLATION_FAULT),
    /** F_STREAM_DISABLED: the stream's configuration refuses this traffic. */
    F_STREAM_DISABLED(0x06, EventKind.CONFIGURATION),
    /** F_TRANSL_FORBIDDEN: translated (ATS) traffic on a stream that refuses it. */
    F_TRANSL_FORBIDDEN(0x07, EventKind.TRANSLATION_FAULT),
    /** C_BAD_SUBSTREAMID: SubstreamID out of range or its level-1 descriptor invalid. */
    C_BAD_SUBSTREAMID(0x08, EventKind.CONFIGURATION),
    /** F_CD_FETCH: external abort fetching a CD. */
    F_CD_FETCH(0x09, EventKind.FETCH_ABORT),
    /** C_BAD_CD: invalid or illegally configured CD. */
    C_BAD_CD(0x0A, EventKind.CONFIGURATION),
    /** F_WALK_EABT: external abort during a table walk. */
    F_WALK_EABT(0x0B, EventKind.TRANSLATION_FAULT),
    /** F_TRANSLATION: no valid translation at the faulting stage. */
    F_TRANSLATION(0x10, EventKind.TRANSLATION_FAULT),
    /** F_ADDR_SIZE: address outside the configured input or output size. */
    F_ADDR_SIZE(0x11, EventKind.TRANSLATION_FAULT),
    /** F_ACCESS: access flag fault. */
    F_ACCESS(0x12, EventKind.TRANSLATION_FAULT),
    /** F_PERMISSION: the translation does not permit the access. */
    F_PERMISSION(0x13, EventKind.TRANSLATION_FAULT),
    /** F_TLB_CONFLICT: more than one TLB entry matched. */
    F_TLB_CONFLICT(0x20, EventKind.TRANSLATION_FAULT),
    /** F_CFG_CONFLICT: more than one cached configuration entry matched. */
    F_CFG_CONFLICT(0x21, EventKind.CONFIGURATION),
    /** E_PAGE_REQUEST: a device asks for a page to be made resident (not a fault). */
    E_PAGE_REQUEST(0x24, EventKind.PAGE_REQUEST),
    /** F_VMS_FETCH: external abort fetching a virtual machine structure. */
    F_VMS_FETCH(0x25, EventKind.FETCH_ABORT);

    // TYPE is 8 bits, so a dense table makes lookup total and allocation-free.
    private static final EventId[] BY_CODE = new EventId[256];

    static {
        for (EventId id : values()) {
            BY_CODE[id.code] = id;
        }
    }

    private final int code;
    private final EventKind kind;

    EventId(int code, EventKind kind) {
        this.code = code;
        this.kind = kind;
    }

    /** The TYPE value in dw0[7:0]. */
    public int code() {
        return code;
    }

    /** Which words and fields records of this type carry. */
    public EventKind kind() {
        return kind;
    }

    /** The architecture's name, e.g. {@code F_TRANSLATION}; used as the text-form tag. */
    public String referenceName() {
        return name();
    }

    /** The event with this TYPE code, or empty for unknown or out-of-range codes. */
    public static Optional<EventId> fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_CODE[code]);
    }
}
