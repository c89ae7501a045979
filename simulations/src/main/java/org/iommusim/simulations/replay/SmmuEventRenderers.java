package org.iommusim.simulations.replay;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.config.ConfigLoad;
import org.iommusim.persistence.replay.EntityKind;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.protocol.bits.TextLine;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.event.SmmuEvent;

/**
 * Timeline lines of SMMU events ({@code smmu-<n>}), read against the SMMU's
 * state just before each one (supplied by {@link Timeline}):
 * <ul>
 *   <li>{@code CONFIGURED <capabilities>}</li>
 *   <li>{@code SUBMITTED n [i] <command>; [i+1] ...}: entries numbered by queue
 *       index, the first at the producer index before the submission</li>
 *   <li>{@code CONSUMED n [i] <command>; ...; load sid=.. ste=.. cds=[..]}:
 *       the entries taken from the consumer index, then the configuration loaded</li>
 *   <li>{@code HALTED index=.. CERROR_ILL reason=".."}</li>
 *   <li>{@code RESUMED index=.. replacement: <command>} or {@code RESUMED index=.. retry}</li>
 *   <li>{@code FAULTS n lost=.. <record>; ...}: records lost to a full event queue counted</li>
 *   <li>{@code EVENTS_CONSUMED n}, {@code OVERFLOW_ACK}</li>
 *   <li>{@code STREAM_TABLE 2-level log2size=16 split=8} (or {@code linear log2size=..}): STRTAB_BASE_CFG</li>
 *   <li>{@code L1_WRITTEN index=0x12 span=9 l2ptr=0x40000}: a level-1 stream table descriptor written</li>
 * </ul>
 * Where earlier events are missing the numbering is {@code [?]}, never a guess.
 */
final class SmmuEventRenderers {
    private SmmuEventRenderers() {}

    static void register(EventRenderers r) {
        r.register(EntityKind.SMMU, SmmuChange.Configured.class, new Renderer<SmmuChange.Configured>("CONFIGURED") {
            @Override
            public String details(SmmuChange.Configured e, SmmuState before) {
                return ConfigText.caps(e.caps());
            }

            @Override
            public void json(SmmuChange.Configured e, SmmuState before, JsonObject out) {
                ConfigText.capsJson(e.caps(), out);
            }
        });
        r.register(EntityKind.SMMU, SmmuChange.Submitted.class, new Renderer<SmmuChange.Submitted>("SUBMITTED") {
            @Override
            public String details(SmmuChange.Submitted e, SmmuState before) {
                return e.entries().size() + " " + CommandText.entries(prod(before), e.entries());
            }

            @Override
            public void json(SmmuChange.Submitted e, SmmuState before, JsonObject out) {
                long first = prod(before);
                out.number("count", e.entries().size());
                if (first >= 0) {
                    out.number("firstIndex", first);
                }
                List<JsonObject> entries = new ArrayList<>();
                for (int i = 0; i < e.entries().size(); i++) {
                    entries.add(CommandText.json(first < 0 ? -1 : first + i, e.entries().get(i)));
                }
                out.array("entries", entries);
            }
        });
        r.register(EntityKind.SMMU, SmmuChange.Consumed.class, new Renderer<SmmuChange.Consumed>("CONSUMED") {
            @Override
            public String details(SmmuChange.Consumed e, SmmuState before) {
                List<String> parts = new ArrayList<>();
                List<RawCommand> taken = taken(e, before);
                if (taken == null) {
                    parts.add("(commands unknown: earlier events are missing)");
                } else {
                    parts.add(CommandText.entries(before.queue().cons(), taken));
                }
                for (ConfigLoad l : e.loads()) {
                    parts.add(ConfigText.load(l));
                }
                return e.count() + " " + String.join("; ", parts);
            }

            @Override
            public void json(SmmuChange.Consumed e, SmmuState before, JsonObject out) {
                out.number("count", e.count());
                List<RawCommand> taken = taken(e, before);
                if (taken != null) {
                    long first = before.queue().cons();
                    out.number("firstIndex", first);
                    List<JsonObject> commands = new ArrayList<>();
                    for (int i = 0; i < taken.size(); i++) {
                        commands.add(CommandText.json(first + i, taken.get(i)));
                    }
                    out.array("commands", commands);
                }
                List<JsonObject> loads = new ArrayList<>();
                e.loads().forEach(l -> loads.add(ConfigText.loadJson(l)));
                out.array("loads", loads);
            }
        });
        r.register(EntityKind.SMMU, SmmuChange.Halted.class, new Renderer<SmmuChange.Halted>("HALTED") {
            @Override
            public String details(SmmuChange.Halted e, SmmuState before) {
                return TextLine.of("index=" + e.index() + " CERROR_" + e.code().name()).quoted("reason", e.reason())
                        .toString();
            }

            @Override
            public void json(SmmuChange.Halted e, SmmuState before, JsonObject out) {
                out.number("index", e.index()).string("code", e.code().name()).string("reason", e.reason());
            }
        });
        r.register(EntityKind.SMMU, SmmuChange.Resumed.class, new Renderer<SmmuChange.Resumed>("RESUMED") {
            @Override
            public String details(SmmuChange.Resumed e, SmmuState before) {
                String at = before != null && before.queue().error() != null
                        ? "index=" + before.queue().error().index() + " " : "";
                return at + (e.replacement() == null ? "retry"
                        : "replacement: " + CommandCodec.decode(e.replacement()).toText());
            }

            @Override
            public void json(SmmuChange.Resumed e, SmmuState before, JsonObject out) {
                if (before != null && before.queue().error() != null) {
                    out.number("index", before.queue().error().index());
                }
                if (e.replacement() != null) {
                    out.object("replacement", CommandText.json(e.replacement()));
                }
            }
        });
        r.register(EntityKind.SMMU, SmmuChange.FaultsRecorded.class,
                new Renderer<SmmuChange.FaultsRecorded>("FAULTS") {
                    @Override
                    public String details(SmmuChange.FaultsRecorded e, SmmuState before) {
                        List<String> parts = new ArrayList<>();
                        for (SmmuEvent f : e.records()) {
                            parts.add(f.toText());
                        }
                        long lost = lost(e, before);
                        return e.records().size() + (lost >= 0 ? " lost=" + lost : "") + " " + String.join("; ", parts);
                    }

                    @Override
                    public void json(SmmuChange.FaultsRecorded e, SmmuState before, JsonObject out) {
                        out.number("count", e.records().size());
                        long lost = lost(e, before);
                        if (lost >= 0) {
                            out.number("lost", lost);
                        }
                        List<JsonObject> records = new ArrayList<>();
                        e.records().forEach(f -> records.add(CommandText.json(f)));
                        out.array("records", records);
                    }
                });
        r.register(EntityKind.SMMU, SmmuChange.FaultsLost.class,
                new Renderer<SmmuChange.FaultsLost>("FAULTS_LOST") {
                    @Override
                    public String details(SmmuChange.FaultsLost e, SmmuState before) {
                        return "lost=" + e.count();
                    }

                    @Override
                    public void json(SmmuChange.FaultsLost e, SmmuState before, JsonObject out) {
                        out.number("lost", e.count());
                    }
                });
        r.register(EntityKind.SMMU, SmmuChange.StreamTableProgrammed.class,
                new Renderer<SmmuChange.StreamTableProgrammed>("STREAM_TABLE") {
                    @Override
                    public String details(SmmuChange.StreamTableProgrammed e, SmmuState before) {
                        return e.format().toText();
                    }

                    @Override
                    public void json(SmmuChange.StreamTableProgrammed e, SmmuState before, JsonObject out) {
                        out.string("format", e.format().twoLevel() ? "2-level" : "linear")
                                .number("log2size", e.format().log2Size()).number("split", e.format().split());
                    }
                });
        r.register(EntityKind.SMMU, SmmuChange.L1DescriptorWritten.class,
                new Renderer<SmmuChange.L1DescriptorWritten>("L1_WRITTEN") {
                    @Override
                    public String details(SmmuChange.L1DescriptorWritten e, SmmuState before) {
                        return "index=0x" + Integer.toHexString(e.index()) + " " + e.descriptor().toText();
                    }

                    @Override
                    public void json(SmmuChange.L1DescriptorWritten e, SmmuState before, JsonObject out) {
                        out.hex("index", e.index()).number("span", e.descriptor().span())
                                .hex("l2ptr", e.descriptor().l2Ptr());
                    }
                });
        r.register(EntityKind.SMMU, SmmuChange.EventsConsumed.class,
                new Renderer<SmmuChange.EventsConsumed>("EVENTS_CONSUMED") {
                    @Override
                    public String details(SmmuChange.EventsConsumed e, SmmuState before) {
                        return Integer.toString(e.count());
                    }

                    @Override
                    public void json(SmmuChange.EventsConsumed e, SmmuState before, JsonObject out) {
                        out.number("count", e.count());
                    }
                });
        r.register(EntityKind.SMMU, SmmuChange.OverflowAcknowledged.class,
                new Renderer<SmmuChange.OverflowAcknowledged>("OVERFLOW_ACK") {
                    @Override
                    public String details(SmmuChange.OverflowAcknowledged e, SmmuState before) {
                        return "";
                    }

                    @Override
                    public void json(SmmuChange.OverflowAcknowledged e, SmmuState before, JsonObject out) {}
                });
    }

    /** The producer index before a submission: where its first entry lands; -1 if unknown. */
    private static long prod(SmmuState before) {
        return before == null ? -1 : before.queue().prod();
    }

    /** The raw entries a consumption took from the head, or null if the queue before it is unknown. */
    private static List<RawCommand> taken(SmmuChange.Consumed e, SmmuState before) {
        if (before == null || before.queue().pending().size() < e.count()) {
            return null;
        }
        List<RawCommand> out = new ArrayList<>(e.count());
        for (int i = 0; i < e.count(); i++) {
            out.add(before.queue().pending().get(i));
        }
        return out;
    }

    /** Records the event queue could not take, by its own rule ({@code EventQueue.append}); -1 if unknown. */
    private static long lost(SmmuChange.FaultsRecorded e, SmmuState before) {
        if (before == null || !before.configured()) {
            return -1;
        }
        return before.apply(e).events().lost() - before.events().lost();
    }

    private abstract static class Renderer<T> implements ContextualRenderer<T, SmmuState> {
        private final String name;

        Renderer(String name) {
            this.name = name;
        }

        @Override
        public String name(T event) {
            return name;
        }
    }
}
