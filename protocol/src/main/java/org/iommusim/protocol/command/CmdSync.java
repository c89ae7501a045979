package org.iommusim.protocol.command;

import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.TextLine;

/**
 * CMD_SYNC: completes only when every earlier command in the queue has taken
 * effect; for TLBIs, when no translation starting afterwards can use an entry
 * they removed.
 *
 * @param msh     MSI shareability
 * @param msiAttr MSI memory attributes
 * @param msiData the 32-bit value written on completion with CS=IRQ
 * @param msiAddr the MSI target address, bits [51:2]
 */
public record CmdSync(SyncCompletion cs, int msh, int msiAttr, int msiData, long msiAddr) implements Command {
    /**
     * Checks the fields.
     * @throws IllegalArgumentException if {@code cs} is null, {@code msh} is outside 0..3, {@code msiAttr} outside
     *        0..15, or {@code msiAddr} has bits above 51 or below 2 set
     */
    public CmdSync {
        if (cs == null) {
            throw new IllegalArgumentException("CMD_SYNC needs a completion signal (CS)");
        }
        Bits.requireRange("msh", msh, 0, 3);
        Bits.requireRange("msiattr", msiAttr, 0, 15);
        Bits.requireAddress("msiaddr", msiAddr, 51, 2);
    }

    /** A sync software polls for, as Linux issues by default without MSIs. */
    public static CmdSync poll() {
        return new CmdSync(SyncCompletion.NONE, 0, 0, 0, 0);
    }

    /**
     * A sync that signals completion by an MSI writing {@code msiData} to {@code msiAddr}.
     * @return the command with CS=IRQ
     * @throws IllegalArgumentException if {@code msiAddr} has bits above 51 or below 2 set
     */
    public static CmdSync irq(long msiAddr, int msiData) {
        return new CmdSync(SyncCompletion.IRQ, 0, 0, msiData, msiAddr);
    }

    @Override
    public CommandOpcode opcode() {
        return CommandOpcode.CMD_SYNC;
    }

    @Override
    public RawCommand encode() {
        return new RawCommand(Fields.op(opcode()) | Bits.put(cs.ordinal(), 13, 12) | Bits.put(msh, 23, 22)
                | Bits.put(msiAttr, 27, 24) | Bits.put(Integer.toUnsignedLong(msiData), 63, 32), msiAddr);
    }

    @Override
    public String toText() {
        return TextLine.of(opcode().name()).word("cs", cs.name()).dec("msh", msh).hex("msiattr", msiAttr)
                .hex("msidata", Integer.toUnsignedLong(msiData)).hex("msiaddr", msiAddr).toString();
    }
}
