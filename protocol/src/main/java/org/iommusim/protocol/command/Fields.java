package org.iommusim.protocol.command;

import static org.iommusim.protocol.bits.Bits.get;
import static org.iommusim.protocol.bits.Bits.put;

import org.iommusim.protocol.bits.Bits;

/**
 * The field positions shared by several command layouts (reference §1), and
 * the width checks their records' constructors use.
 */
final class Fields {
    private Fields() {}

    static long op(CommandOpcode op) {
        return op.code();
    }

    // dw0 common
    static final int SSEC = 10;
    static final int SSV = 11;

    static long sid(int sid) {
        return put(Integer.toUnsignedLong(sid), 63, 32);
    }

    static int sidOf(long dw0) {
        return (int) get(dw0, 63, 32);
    }

    static long ssid(int ssid) {
        return put(ssid, 31, 12);
    }

    static int ssidOf(long dw0) {
        return (int) get(dw0, 31, 12);
    }

    // TLBI dw0
    static long vmid(int vmid) {
        return put(vmid, 47, 32);
    }

    static int vmidOf(long dw0) {
        return (int) get(dw0, 47, 32);
    }

    static long asid(int asid) {
        return put(asid, 63, 48);
    }

    static int asidOf(long dw0) {
        return (int) get(dw0, 63, 48);
    }

    /** VA/ADDR fields sit unshifted at [63:12]. */
    static long va(long dw1) {
        return Bits.addressField(dw1, 63, 12);
    }

    static long ipa(long dw1) {
        return Bits.addressField(dw1, 51, 12);
    }

    static boolean leaf(long dw1) {
        return Bits.bit(dw1, 0);
    }

    static void checkSsid(int ssid) {
        Bits.requireRange("ssid", ssid, 0, 0xFFFFF);
    }

    static void checkSsidWithSsv(boolean ssv, int ssid) {
        checkSsid(ssid);
        if (!ssv && ssid != 0) {
            throw new IllegalArgumentException("ssid=0x" + Integer.toHexString(ssid) + " given with SSV=0");
        }
    }

    static void check16(String name, int value) {
        Bits.requireRange(name, value, 0, 0xFFFF);
    }

    static void checkVa(long va) {
        Bits.requireAddress("va", va, 63, 12);
    }

    static void checkIpa(long ipa) {
        Bits.requireAddress("ipa", ipa, 51, 12);
    }

    static String sidHex(int sid) {
        return Integer.toHexString(sid);
    }
}
