package org.iommusim.actors.iommufd;

import java.util.Map;
import java.util.Optional;
import org.iommusim.persistence.cmdq.CommandRules;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.AtcInv;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiCdAll;
import org.iommusim.protocol.command.Command;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandError;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.command.TlbiNhAsid;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iommusim.protocol.command.TlbiNhVaa;
import org.iommusim.protocol.command.TlbiNsnhAll;

/**
 * One guest command-queue entry after the host's filter (Linux's
 * {@code arm_vsmmu_convert_user_cmd}): either the command to put on the
 * physical queue, or the reason it is refused.
 *
 * <p>Only TLBI_NH_VA, NH_VAA, NH_ALL, NH_ASID, NSNH_ALL, ATC_INV, CFGI_CD and
 * CFGI_CD_ALL pass. The VMID of an NH_* TLBI is replaced by the vIOMMU's, so a
 * guest can only invalidate its own entries; NSNH_ALL (which would empty the
 * whole IOTLB) becomes NH_ALL of that VMID; the StreamID of ATC_INV and CFGI_CD*
 * is translated from the guest's virtual StreamID. Every refusal is
 * {@link Errno#EIO}, Linux's answer for a bad guest command. An entry the codec
 * refuses, or that this SMMU would halt its queue on ({@link CommandRules}), is
 * refused here, before it reaches the queue the host shares with every device.
 */
public sealed interface GuestCommand {

    /** The entry to submit, rewritten for the physical SMMU. */
    record Accepted(Command command) implements GuestCommand {}

    /** The entry is refused; nothing is submitted for it. */
    record Refused(Errno errno, String reason) implements GuestCommand {}

    /**
     * @param vsidToPsid the vIOMMU's virtual-to-physical StreamID table
     */
    static GuestCommand convert(RawCommand raw, int vmid, Map<Integer, Integer> vsidToPsid, SmmuCapabilities caps) {
        DecodedCommand decoded = CommandCodec.decode(raw);
        if (decoded instanceof CommandError e) {
            return new Refused(Errno.EIO, "illegal guest command: " + e.reason());
        }
        Command c = (Command) decoded;
        Command out;
        if (c instanceof TlbiNsnhAll) {
            out = new TlbiNhAll(vmid);
        } else if (c instanceof TlbiNhAll) {
            out = new TlbiNhAll(vmid);
        } else if (c instanceof TlbiNhAsid t) {
            out = new TlbiNhAsid(vmid, t.asid());
        } else if (c instanceof TlbiNhVa t) {
            out = new TlbiNhVa(vmid, t.asid(), t.va(), t.leaf(), t.range());
        } else if (c instanceof TlbiNhVaa t) {
            out = new TlbiNhVaa(vmid, t.va(), t.leaf(), t.range());
        } else if (c instanceof AtcInv a) {
            Integer psid = vsidToPsid.get(a.sid());
            if (psid == null) {
                return unknownVsid(c, a.sid());
            }
            out = new AtcInv(psid, a.ssv(), a.ssid(), a.global(), a.size(), a.addr());
        } else if (c instanceof CfgiCd cd) {
            Integer psid = vsidToPsid.get(cd.sid());
            if (psid == null) {
                return unknownVsid(c, cd.sid());
            }
            out = new CfgiCd(psid, cd.ssid(), cd.leaf());
        } else if (c instanceof CfgiCdAll cd) {
            Integer psid = vsidToPsid.get(cd.sid());
            if (psid == null) {
                return unknownVsid(c, cd.sid());
            }
            out = new CfgiCdAll(psid);
        } else {
            return new Refused(Errno.EIO, c.opcode() + " is not a command a guest may send; the host accepts only "
                    + "TLBI_NH_VA, TLBI_NH_VAA, TLBI_NH_ALL, TLBI_NH_ASID, TLBI_NSNH_ALL, ATC_INV, CFGI_CD, CFGI_CD_ALL");
        }
        Optional<String> refusal = CommandRules.refusal(out, caps);
        if (refusal.isPresent()) {
            return new Refused(Errno.EIO, "the SMMU would refuse it: " + refusal.get());
        }
        return new Accepted(out);
    }

    private static Refused unknownVsid(Command c, int vsid) {
        return new Refused(Errno.EIO, c.opcode() + " names virtual StreamID 0x" + Integer.toHexString(vsid)
                + ", which has no vDEVICE on this vIOMMU");
    }
}
