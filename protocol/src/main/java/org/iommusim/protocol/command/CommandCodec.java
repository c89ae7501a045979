package org.iommusim.protocol.command;

import static org.iommusim.protocol.bits.Bits.bit;
import static org.iommusim.protocol.bits.Bits.get;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.iommusim.protocol.bits.Bits;
import org.iommusim.protocol.bits.Hex;

/**
 * Decodes 16-byte command entries. Never throws: anything the model would
 * not execute comes back as a {@link CommandError} with CERROR_ILL and the
 * reason.
 *
 * <p>The model treats bits outside an opcode's fields as RES0 and refuses an
 * entry that sets them (the architecture allows ILL there), so every entry
 * that decodes re-encodes to exactly the same 16 bytes. Which fields an
 * opcode has is defined once, by its record's {@code encode}: decoding reads
 * the fields, re-encodes, and reports any bit that did not survive.
 */
public final class CommandCodec {
    private CommandCodec() {}

    /**
     * Decodes one entry given as its two words.
     * @return the command, or a {@link CommandError} naming why it is refused (never throws)
     */
    public static DecodedCommand decode(long dw0, long dw1) {
        return decode(new RawCommand(dw0, dw1));
    }

    /**
     * Decodes one entry.
     * @return the command, or a {@link CommandError} naming why it is refused (never throws)
     * @throws NullPointerException if {@code raw} is null
     */
    public static DecodedCommand decode(RawCommand raw) {
        Optional<CommandOpcode> op = CommandOpcode.fromCode(raw.opcode());
        if (op.isEmpty()) {
            return CommandError.ill(raw, "unknown opcode 0x" + String.format("%02x", raw.opcode()));
        }
        if (bit(raw.dw0(), Fields.SSEC)) {
            return CommandError.ill(raw, op.get() + " has SSEC=1 on the non-secure command queue");
        }
        Command command;
        try {
            command = fields(op.get(), raw.dw0(), raw.dw1());
        } catch (IllegalArgumentException refused) {
            return CommandError.ill(raw, op.get() + ": " + refused.getMessage());
        }
        RawCommand again = command.encode();
        long extra0 = raw.dw0() ^ again.dw0();
        long extra1 = raw.dw1() ^ again.dw1();
        if (extra0 != 0 || extra1 != 0) {
            return CommandError.ill(raw, op.get() + ": reserved bits set: dw0 " + Hex.word(extra0)
                    + " dw1 " + Hex.word(extra1));
        }
        return command;
    }

    /** Decodes consecutive 16-byte little-endian entries; a trailing partial entry is an error, not dropped. */
    public static List<DecodedCommand> decodeAll(byte[] bytes) {
        if (bytes.length % RawCommand.BYTES != 0) {
            throw new IllegalArgumentException(bytes.length + " bytes is not a whole number of 16-byte command entries");
        }
        List<DecodedCommand> out = new ArrayList<>(bytes.length / RawCommand.BYTES);
        for (int off = 0; off < bytes.length; off += RawCommand.BYTES) {
            out.add(decode(RawCommand.fromBytes(bytes, off)));
        }
        return out;
    }

    private static Command fields(CommandOpcode op, long dw0, long dw1) {
        int sid = Fields.sidOf(dw0);
        int ssid = Fields.ssidOf(dw0);
        boolean ssv = bit(dw0, Fields.SSV);
        return switch (op) {
            case PREFETCH_CONFIG -> new PrefetchConfig(sid, ssv, ssid);
            case PREFETCH_ADDR -> new PrefetchAddr(sid, ssv, ssid, (int) get(dw1, 4, 0), Fields.va(dw1));
            case CFGI_STE -> new CfgiSte(sid, Fields.leaf(dw1));
            case CFGI_STE_RANGE -> new CfgiSteRange(sid, (int) get(dw1, 4, 0));
            case CFGI_CD -> new CfgiCd(sid, ssid, Fields.leaf(dw1));
            case CFGI_CD_ALL -> new CfgiCdAll(sid);
            case TLBI_NH_ALL -> new TlbiNhAll(Fields.vmidOf(dw0));
            case TLBI_NH_ASID -> new TlbiNhAsid(Fields.vmidOf(dw0), Fields.asidOf(dw0));
            case TLBI_NH_VA -> new TlbiNhVa(Fields.vmidOf(dw0), Fields.asidOf(dw0), Fields.va(dw1), Fields.leaf(dw1),
                    TlbiRange.from(dw0, dw1));
            case TLBI_NH_VAA -> new TlbiNhVaa(Fields.vmidOf(dw0), Fields.va(dw1), Fields.leaf(dw1), TlbiRange.from(dw0, dw1));
            case TLBI_EL3_ALL -> new TlbiEl3All();
            case TLBI_EL3_VA -> new TlbiEl3Va(Fields.va(dw1), Fields.leaf(dw1), TlbiRange.from(dw0, dw1));
            case TLBI_EL2_ALL -> new TlbiEl2All();
            case TLBI_EL2_ASID -> new TlbiEl2Asid(Fields.asidOf(dw0));
            case TLBI_EL2_VA -> new TlbiEl2Va(Fields.asidOf(dw0), Fields.va(dw1), Fields.leaf(dw1), TlbiRange.from(dw0, dw1));
            case TLBI_EL2_VAA -> new TlbiEl2Vaa(Fields.va(dw1), Fields.leaf(dw1), TlbiRange.from(dw0, dw1));
            case TLBI_S12_VMALL -> new TlbiS12Vmall(Fields.vmidOf(dw0));
            case TLBI_S2_IPA -> new TlbiS2Ipa(Fields.vmidOf(dw0), Fields.ipa(dw1), Fields.leaf(dw1), TlbiRange.from(dw0, dw1));
            case TLBI_NSNH_ALL -> new TlbiNsnhAll();
            case ATC_INV -> new AtcInv(sid, ssv, ssid, bit(dw0, 9), (int) get(dw1, 5, 0), Fields.va(dw1));
            case PRI_RESP -> new PriResp(sid, ssv, ssid, (int) get(dw1, 8, 0), priResponse((int) get(dw1, 13, 12)));
            case RESUME -> new Resume(sid, resumeAction((int) get(dw0, 13, 12)), (int) get(dw1, 15, 0));
            case STALL_TERM -> new StallTerm(sid);
            case CMD_SYNC -> new CmdSync(syncCompletion((int) get(dw0, 13, 12)), (int) get(dw0, 23, 22),
                    (int) get(dw0, 27, 24), (int) get(dw0, 63, 32), Bits.addressField(dw1, 51, 2));
        };
    }

    private static PriResponse priResponse(int code) {
        if (code >= PriResponse.values().length) {
            throw new IllegalArgumentException("RESP=" + code + " is reserved (0 DENY, 1 FAIL, 2 SUCC)");
        }
        return PriResponse.values()[code];
    }

    private static ResumeAction resumeAction(int code) {
        if (code >= ResumeAction.values().length) {
            throw new IllegalArgumentException("RESP=" + code + " is reserved (0 TERM, 1 RETRY, 2 ABORT)");
        }
        return ResumeAction.values()[code];
    }

    private static SyncCompletion syncCompletion(int code) {
        if (code >= SyncCompletion.values().length) {
            throw new IllegalArgumentException("CS=" + code + " is reserved (0 NONE, 1 IRQ, 2 SEV)");
        }
        return SyncCompletion.values()[code];
    }

}
