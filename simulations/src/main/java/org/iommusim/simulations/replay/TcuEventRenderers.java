package org.iommusim.simulations.replay;

import org.iommusim.persistence.replay.EntityKind;
import org.iommusim.persistence.replay.ReplayedTcu;
import org.iommusim.persistence.tcu.TcuEvent;
import org.iommusim.protocol.capability.TcuCaches;

/**
 * Timeline lines of the TCU's caches ({@code smmu-<n>/tcu}), each naming the
 * cache it changed: {@code FILLED walk-s1-l2 slot=5 <entry> [evicting <entry>]},
 * {@code FILLED ipa slot=3 <entry> [evicting <entry>]}, {@code INVALIDATED <command> removed=n},
 * {@code CONFIGURED <shapes>}.
 */
final class TcuEventRenderers {
    private TcuEventRenderers() {}

    static void register(EventRenderers r) {
        r.register(EntityKind.TCU, TcuEvent.WalkFilled.class, naming(new EventRenderer<TcuEvent.WalkFilled>() {
            @Override
            public String name(TcuEvent.WalkFilled e) {
                return "FILLED";
            }

            @Override
            public String details(TcuEvent.WalkFilled e) {
                return e.cache() + " slot=" + e.slot() + " " + TcuStateRenderer.describe(e.entry());
            }

            @Override
            public void json(TcuEvent.WalkFilled e, JsonObject out) {
                out.string("cache", e.cache()).number("slot", e.slot()).hex("vmid", e.entry().vmid());
                if (e.entry().asid() >= 0) {
                    out.hex("asid", e.entry().asid());
                }
                out.hex("va", e.entry().base()).hex("size", e.entry().size()).string("kind",
                        e.entry().leaf() ? "leaf" : "table");
                if (e.entry().leaf()) {
                    out.hex("descriptor", e.entry().value());
                } else {
                    out.number("table", e.entry().value());
                }
            }
        }));
        r.register(EntityKind.TCU, TcuEvent.IpaFilled.class, naming(new EventRenderer<TcuEvent.IpaFilled>() {
            @Override
            public String name(TcuEvent.IpaFilled e) {
                return "FILLED";
            }

            @Override
            public String details(TcuEvent.IpaFilled e) {
                return "ipa slot=" + e.slot() + " " + TcuStateRenderer.describe(e.entry());
            }

            @Override
            public void json(TcuEvent.IpaFilled e, JsonObject out) {
                out.string("cache", "ipa").number("slot", e.slot()).hex("vmid", e.entry().vmid())
                        .hex("ipa", e.entry().page() << org.iommusim.persistence.tcu.IpaEntry.PAGE_SHIFT)
                        .number("level", e.entry().level()).hex("size", e.entry().leafSize())
                        .hex("descriptor", e.entry().descriptor());
            }
        }));
        r.register(TcuEvent.Invalidated.class, new EventRenderer<TcuEvent.Invalidated>() {
            @Override
            public String name(TcuEvent.Invalidated e) {
                return "INVALIDATED";
            }

            @Override
            public String details(TcuEvent.Invalidated e) {
                return e.command().toText() + " removed=" + e.removed();
            }

            @Override
            public void json(TcuEvent.Invalidated e, JsonObject out) {
                out.object("command", CommandText.json(e.command().encode())).number("removed", e.removed());
            }
        });
        r.register(EntityKind.TCU, TcuEvent.ConfigFilled.class, naming(new EventRenderer<TcuEvent.ConfigFilled>() {
            @Override
            public String name(TcuEvent.ConfigFilled e) {
                return "FILLED";
            }

            @Override
            public String details(TcuEvent.ConfigFilled e) {
                return "config slot=" + e.slot() + " " + TcuStateRenderer.describe(e.entry());
            }

            @Override
            public void json(TcuEvent.ConfigFilled e, JsonObject out) {
                out.string("cache", "config").number("slot", e.slot()).hex("sid", e.entry().sid());
                if (e.entry().isSte()) {
                    out.object("ste", ConfigText.steJson(e.entry().ste()));
                } else if (e.entry().cd() != null) {
                    out.object("cd", ConfigText.cdJson(e.entry().ssid(), e.entry().cd()));
                } else {
                    var g = e.entry().guestCd();
                    JsonObject o = new JsonObject().number("ssid", e.entry().ssid()).hex("ipa", g.ipa()).hex("pa", g.pa());
                    java.util.List<String> words = new java.util.ArrayList<>();
                    for (long w : g.words()) {
                        words.add("0x" + Long.toHexString(w));
                    }
                    out.object("guestCd", o.string("words", String.join(" ", words)));
                }
            }
        }));
        r.register(TcuEvent.GuestCdRead.class, new EventRenderer<TcuEvent.GuestCdRead>() {
            @Override
            public String name(TcuEvent.GuestCdRead e) {
                return "GUEST_CD_READ";
            }

            @Override
            public String details(TcuEvent.GuestCdRead e) {
                return String.format("sid=0x%x ssid=%d CD at IPA 0x%x PA 0x%x V=%d, not cached (C_BAD_CD)", e.sid(),
                        e.ssid(), e.cd().ipa(), e.cd().pa(), (e.cd().words().get(0) >>> 31) & 1);
            }

            @Override
            public void json(TcuEvent.GuestCdRead e, JsonObject out) {
                java.util.List<String> words = new java.util.ArrayList<>();
                for (long w : e.cd().words()) {
                    words.add("0x" + Long.toHexString(w));
                }
                out.string("cache", "config").hex("sid", e.sid()).number("ssid", e.ssid()).hex("ipa", e.cd().ipa())
                        .hex("pa", e.cd().pa()).string("words", String.join(" ", words));
            }
        });
        r.register(TcuEvent.ConfigInvalidated.class, new EventRenderer<TcuEvent.ConfigInvalidated>() {
            @Override
            public String name(TcuEvent.ConfigInvalidated e) {
                return "INVALIDATED";
            }

            @Override
            public String details(TcuEvent.ConfigInvalidated e) {
                return "config " + e.command().toText() + " removed=" + e.removed();
            }

            @Override
            public void json(TcuEvent.ConfigInvalidated e, JsonObject out) {
                out.string("cache", "config").object("command", CommandText.json(e.command().encode()))
                        .number("removed", e.removed());
            }
        });
        r.register(TcuEvent.AcksAhead.class, new EventRenderer<TcuEvent.AcksAhead>() {
            @Override
            public String name(TcuEvent.AcksAhead e) {
                return "ACKS_AHEAD";
            }

            @Override
            public String details(TcuEvent.AcksAhead e) {
                return IotlbEventRenderers.acksAhead(e.ahead());
            }

            @Override
            public void json(TcuEvent.AcksAhead e, JsonObject out) {
                out.bool("ahead", e.ahead());
            }
        });
        r.register(TcuEvent.Configured.class, new EventRenderer<TcuEvent.Configured>() {
            @Override
            public String name(TcuEvent.Configured e) {
                return "CONFIGURED";
            }

            @Override
            public String details(TcuEvent.Configured e) {
                return describe(e.shape());
            }

            @Override
            public void json(TcuEvent.Configured e, JsonObject out) {
                for (int stage = 1; stage <= 2; stage++) {
                    for (int level = 0; level < TcuCaches.LEVELS; level++) {
                        out.string("walk-s" + stage + "-l" + level, e.shape().walk(stage, level).toString());
                    }
                }
                out.string("ipa", e.shape().ipaCache().toString());
                if (e.shape().configCache().enabled()) {
                    out.string("config", e.shape().configCache().toString());
                }
            }
        });
    }

    /**
     * A fill's line and JSON as {@code plain} renders them, the line then
     * naming the entry the fill displaced ({@code evicting <entry>}), read from
     * the TCU as its log rebuilds it ({@link ReplayedTcu#displaced}); the JSON
     * is unchanged, so a journal's export and digest do not depend on it.
     */
    private static <T> ContextualRenderer<T, Object> naming(EventRenderer<T> plain) {
        return new ContextualRenderer<>() {
            @Override
            public String name(T event) {
                return plain.name(event);
            }

            @Override
            public String details(T event, Object before) {
                String d = plain.details(event);
                if (!(before instanceof ReplayedTcu r)) {
                    return d + " (what it evicted is unknown: the log before it could not be read)";
                }
                return r.displaced() == null ? d : d + " evicting " + describeEntry(r.displaced());
            }

            @Override
            public void json(T event, Object before, JsonObject out) {
                plain.json(event, out);
            }
        };
    }

    private static String describeEntry(Object entry) {
        if (entry instanceof org.iommusim.persistence.tcu.WalkEntry w) {
            return TcuStateRenderer.describe(w);
        } else if (entry instanceof org.iommusim.persistence.tcu.IpaEntry i) {
            return TcuStateRenderer.describe(i);
        } else if (entry instanceof org.iommusim.persistence.tcu.ConfigEntry c) {
            return TcuStateRenderer.describe(c);
        }
        return String.valueOf(entry);
    }

    static String describe(TcuCaches t) {
        StringBuilder sb = new StringBuilder();
        for (int stage = 1; stage <= 2; stage++) {
            sb.append(stage == 1 ? "" : " ").append("s").append(stage).append("=");
            for (int level = 0; level < TcuCaches.LEVELS; level++) {
                CacheShapeText.append(sb.append(level == 0 ? "" : "/"), t.walk(stage, level));
            }
        }
        sb.append(" ipa=").append(t.ipaCache());
        return t.configCache().enabled() ? sb.append(" config=").append(t.configCache()).toString() : sb.toString();
    }

    /** A shape in a few characters: 348x4 (entries x ways), 0 when off. */
    private static final class CacheShapeText {
        static void append(StringBuilder sb, org.iommusim.protocol.capability.CacheShape s) {
            sb.append(s.entries());
            if (s.enabled()) {
                sb.append('x').append(s.setWays());
            }
        }
    }
}
