package org.iommusim.protocol.command;

/** The TLB invalidation commands: each names the address span it covers. */
public sealed interface TlbiCommand extends Command
        permits TlbiNhAll, TlbiNhAsid, TlbiNhVa, TlbiNhVaa, TlbiEl3All, TlbiEl3Va,
                TlbiEl2All, TlbiEl2Asid, TlbiEl2Va, TlbiEl2Vaa, TlbiS12Vmall, TlbiS2Ipa, TlbiNsnhAll {

    /** The addresses whose entries this command removes; {@link InvalidationSpan#ALL} for the non-address forms. */
    InvalidationSpan span();
}
