package org.iommusim.simulations.replay;

import org.iommusim.persistence.iotlb.IotlbEntry;
import org.iommusim.persistence.iotlb.IotlbEvent;

/**
 * Timeline lines of a TBU TLB's events ({@code smmu-<n>/tbu-<k>}, or an older
 * journal's IOTLB shard {@code smmu-<n>/iotlb-<k>}):
 * {@code FILLED <entry> [evicting <victim>]}, {@code INVALIDATED <command> removed=n},
 * {@code FLUSHED}, {@code CONFIGURED entries=.. ways=.. policy=..}. Entries read
 * as {@link IotlbEntry#toString()} does. The line's entity names the TBU.
 */
final class IotlbEventRenderers {
    private IotlbEventRenderers() {}

    static void register(EventRenderers r) {
        r.register(IotlbEvent.Filled.class, new EventRenderer<IotlbEvent.Filled>() {
            @Override
            public String name(IotlbEvent.Filled e) {
                return "FILLED";
            }

            @Override
            public String details(IotlbEvent.Filled e) {
                return e.entry() + (e.victim() == null ? "" : " evicting " + e.victim()) + guestReads(e);
            }

            @Override
            public void json(IotlbEvent.Filled e, JsonObject out) {
                out.object("entry", entryJson(e.entry()));
                if (e.victim() != null) {
                    out.object("victim", entryJson(e.victim()));
                }
                if (!e.guestReads().isEmpty()) {
                    out.array("guestReads", e.guestReads().stream().map(g -> new JsonObject().number("level", g.level())
                            .hex("ipa", g.ipa()).hex("pa", g.pa()).hex("descriptor", g.descriptor())).toList());
                }
            }
        });
        r.register(IotlbEvent.Invalidated.class, new EventRenderer<IotlbEvent.Invalidated>() {
            @Override
            public String name(IotlbEvent.Invalidated e) {
                return "INVALIDATED";
            }

            @Override
            public String details(IotlbEvent.Invalidated e) {
                return e.command().toText() + " removed=" + e.removed();
            }

            @Override
            public void json(IotlbEvent.Invalidated e, JsonObject out) {
                out.object("command", CommandText.json(e.command().encode())).number("removed", e.removed());
            }
        });
        r.register(IotlbEvent.Flushed.class, new EventRenderer<IotlbEvent.Flushed>() {
            @Override
            public String name(IotlbEvent.Flushed e) {
                return "FLUSHED";
            }

            @Override
            public String details(IotlbEvent.Flushed e) {
                return "";
            }

            @Override
            public void json(IotlbEvent.Flushed e, JsonObject out) {}
        });
        r.register(IotlbEvent.AcksAhead.class, new EventRenderer<IotlbEvent.AcksAhead>() {
            @Override
            public String name(IotlbEvent.AcksAhead e) {
                return "ACKS_AHEAD";
            }

            @Override
            public String details(IotlbEvent.AcksAhead e) {
                return acksAhead(e.ahead());
            }

            @Override
            public void json(IotlbEvent.AcksAhead e, JsonObject out) {
                out.bool("ahead", e.ahead());
            }
        });
        r.register(IotlbEvent.Configured.class, new EventRenderer<IotlbEvent.Configured>() {
            @Override
            public String name(IotlbEvent.Configured e) {
                return "CONFIGURED";
            }

            @Override
            public String details(IotlbEvent.Configured e) {
                return IotlbStateRenderer.describe(e.config());
            }

            @Override
            public void json(IotlbEvent.Configured e, JsonObject out) {
                out.number("entries", e.config().capacity()).number("ways", e.config().ways())
                        .string("policy", e.config().policy().name()).hex("seed", e.config().seed())
                        .number("microEntries", e.config().microEntries())
                        .string("microPolicy", e.config().microPolicy().name());
            }
        });
    }

    /** An acknowledgement marker's details, a TBU's or the TCU's. */
    static String acksAhead(boolean ahead) {
        return ahead ? "on (invalidations acknowledged before their records are durable)"
                : "off (a clean close: every record durable)";
    }

    static JsonObject entryJson(IotlbEntry e) {
        JsonObject o = new JsonObject().string("kind", e.kind().name()).hex("vmid", e.vmid());
        if (e.asid() != IotlbEntry.NO_ASID) {
            o.hex("asid", e.asid());
        }
        o.hex("va", e.va()).hex("size", e.size()).string("granule", e.granule().label()).number("level", e.level())
                .hex("pa", e.pa()).string("perms", e.perms().compact());
        if (e.stage1Perms() != null) {
            o.string("stage1Perms", e.stage1Perms().compact());
        }
        return o;
    }

    /** The guest-memory reads a fill of guest tables carries: {@code ; read L0 ipa=0x... pa=0x... = 0x...}. */
    private static String guestReads(IotlbEvent.Filled e) {
        StringBuilder b = new StringBuilder();
        for (var g : e.guestReads()) {
            b.append(b.length() == 0 ? "; guest reads" : ",").append(" L").append(g.level())
                    .append(" ipa=0x").append(Long.toHexString(g.ipa())).append(" pa=0x").append(Long.toHexString(g.pa()))
                    .append("=0x").append(Long.toHexString(g.descriptor()));
        }
        return b.toString();
    }
}
