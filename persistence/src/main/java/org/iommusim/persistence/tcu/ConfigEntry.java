package org.iommusim.persistence.tcu;

import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.Ste;

/**
 * One entry of the TCU's bounded configuration cache, keyed as the hardware
 * keys it: an STE by StreamID, or a CD by (StreamID, SubstreamID). Only valid
 * structures are cached (an invalid STE or CD is read again each time).
 *
 * @param ssid {@link #STE} for an STE entry, else the CD's SubstreamID
 * @param ste  the STE read (STE entries), else null
 * @param cd   the CD read (CD entries of the stream's own CD table), else null
 * @param guestCd the CD fetched from guest memory (CD entries of an STE with {@code guestCds}), else null
 */
public record ConfigEntry(int sid, int ssid, Ste ste, Cd cd, org.iommusim.persistence.config.GuestCd guestCd) {
    /** The {@code ssid} of an STE entry. */
    public static final int STE = -1;

    public ConfigEntry {
        if (ssid == STE ? ste == null || cd != null || guestCd != null
                : ssid < 0 || ste != null || (cd == null) == (guestCd == null)) {
            throw new IllegalArgumentException("a configuration-cache entry holds an STE (ssid -1) or a CD (ssid >= 0): "
                    + "sid " + Integer.toUnsignedString(sid) + " ssid " + ssid + " ste " + ste + " cd " + cd
                    + " guest CD " + guestCd);
        }
    }

    /** An entry of the stream's own CD table or an STE. */
    public ConfigEntry(int sid, int ssid, Ste ste, Cd cd) {
        this(sid, ssid, ste, cd, null);
    }

    /** A CD fetched from guest memory. */
    public static ConfigEntry ofGuestCd(int sid, int ssid, org.iommusim.persistence.config.GuestCd cd) {
        return new ConfigEntry(sid, ssid, null, null, cd);
    }

    public static ConfigEntry ofSte(int sid, Ste ste) {
        return new ConfigEntry(sid, STE, ste, null);
    }

    public static ConfigEntry ofCd(int sid, int ssid, Cd cd) {
        return new ConfigEntry(sid, ssid, null, cd);
    }

    public boolean isSte() {
        return ssid == STE;
    }

    /** The tag its set is chosen by: (StreamID) for an STE, (StreamID, SubstreamID) for a CD. */
    long tag() {
        return tag(sid, ssid);
    }

    static long tag(int sid, int ssid) {
        return (Integer.toUnsignedLong(sid) << 21) | (ssid & 0x1FFFFFL);
    }

    @Override
    public String toString() {
        return isSte() ? "STE sid=0x" + Integer.toHexString(sid) + " " + ste
                : "CD sid=0x" + Integer.toHexString(sid) + " ssid=" + ssid + " " + (cd != null ? cd : guestCd);
    }
}
