package org.iommusim.protocol.event;

/**
 * A well-formed SMMUv3 event queue record (reference §5): one record type per
 * event ID, grouped by {@link EventKind} into {@link TranslationFault},
 * {@link ConfigEvent}, {@link FetchAbort} and {@link EPageRequest}.
 *
 * <p>Fields each event carries; a word or dw1 field marked "-" must be zero
 * in the encoding, and {@link EventCodec} rejects records where it is not.
 * Origin is SID, SSV, SSID (dw0); stall is STAG, STALL; access is PnU, InD,
 * RnW; walk is S2, CLASS (all dw1).
 *
 * <table>
 *   <caption>Fields per event</caption>
 *   <tr><th>TYPE</th><th>name</th><th>record</th><th>origin</th><th>stall</th>
 *       <th>access</th><th>walk</th><th>dw2</th><th>dw3</th></tr>
 *   <tr><td>0x01</td><td>F_UUT</td><td>{@link FUut}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x02</td><td>C_BAD_STREAMID</td><td>{@link CBadStreamId}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x03</td><td>F_STE_FETCH</td><td>{@link FSteFetch}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>fetch address</td></tr>
 *   <tr><td>0x04</td><td>C_BAD_STE</td><td>{@link CBadSte}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x05</td><td>F_BAD_ATS_TREQ</td><td>{@link FBadAtsTreq}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x06</td><td>F_STREAM_DISABLED</td><td>{@link FStreamDisabled}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x07</td><td>F_TRANSL_FORBIDDEN</td><td>{@link FTranslForbidden}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x08</td><td>C_BAD_SUBSTREAMID</td><td>{@link CBadSubstreamId}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x09</td><td>F_CD_FETCH</td><td>{@link FCdFetch}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>fetch address</td></tr>
 *   <tr><td>0x0A</td><td>C_BAD_CD</td><td>{@link CBadCd}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x0B</td><td>F_WALK_EABT</td><td>{@link FWalkEabt}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x10</td><td>F_TRANSLATION</td><td>{@link FTranslation}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x11</td><td>F_ADDR_SIZE</td><td>{@link FAddrSize}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x12</td><td>F_ACCESS</td><td>{@link FAccess}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x13</td><td>F_PERMISSION</td><td>{@link FPermission}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x20</td><td>F_TLB_CONFLICT</td><td>{@link FTlbConflict}</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td><td>iova</td><td>ipa</td></tr>
 *   <tr><td>0x21</td><td>F_CFG_CONFLICT</td><td>{@link FCfgConflict}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>
 *   <tr><td>0x24</td><td>E_PAGE_REQUEST</td><td>{@link EPageRequest}</td><td>yes</td><td>-</td><td>yes</td><td>-</td><td>iova</td><td>-</td></tr>
 *   <tr><td>0x25</td><td>F_VMS_FETCH</td><td>{@link FVmsFetch}</td><td>yes</td><td>-</td><td>-</td><td>-</td><td>-</td><td>fetch address</td></tr>
 * </table>
 *
 * <p>Beyond the table, three fields only exist under a flag and must be zero
 * without it: SSID without SSV, STAG without STALL, IPA without S2. This gives
 * each event exactly one encoding, so a decoded event re-encodes to the same
 * four words and record equality means "same event".
 */
public sealed interface SmmuEvent extends EventDecode
        permits TranslationFault, ConfigEvent, FetchAbort, EPageRequest {

    /**
     * The event's TYPE.
     * @return the id, fixed per record type
     */
    EventId id();

    /** StreamID, SSV and SubstreamID; every event has them. */
    Origin origin();

    /** The StreamID, a 32-bit unsigned value held in an {@code int}. */
    default int sid() {
        return origin().sid();
    }

    /** The four words of this record. */
    RawEvent encode();

    /** One line: the reference name, then {@code name=value} fields. */
    @Override
    String toText();
}
