package org.iommusim.simulations.replay;

import java.util.ArrayList;
import java.util.List;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.protocol.bits.TextLine;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.MapSegment;
import org.iommusim.protocol.domain.UnmapSegment;

/**
 * Timeline lines of domain events: {@code ALLOCATED <stage> granule=.. ias=..
 * oas=.. asid=..|vmid=.. [parent=..]}, {@code MAP ...}, {@code UNMAP ...},
 * {@code FREED}. In text, segments that continue each other (IOVA and PA
 * adjacent, same prot) read as one run, at most {@value #MAX_RUNS} runs are
 * spelt out, and a batch says how many segments it had; JSON keeps every
 * segment as recorded.
 */
final class DomainEventRenderers {
    static final int MAX_RUNS = 4;

    private DomainEventRenderers() {}

    static void register(EventRenderers r) {
        r.register(DomainEvent.Allocated.class, new EventRenderer<DomainEvent.Allocated>() {
            @Override
            public String name(DomainEvent.Allocated e) {
                return "ALLOCATED";
            }

            @Override
            public String details(DomainEvent.Allocated e) {
                return spec(e.spec());
            }

            @Override
            public void json(DomainEvent.Allocated e, JsonObject out) {
                specJson(e.spec(), out);
            }
        });
        r.register(DomainEvent.TableChanged.class, new EventRenderer<DomainEvent.TableChanged>() {
            @Override
            public String name(DomainEvent.TableChanged e) {
                return e.change() instanceof Mapped ? "MAP" : "UNMAP";
            }

            @Override
            public String details(DomainEvent.TableChanged e) {
                return e.change() instanceof Mapped m ? mapText(m.segments()) : unmapText(((Unmapped) e.change()).segments());
            }

            @Override
            public void json(DomainEvent.TableChanged e, JsonObject out) {
                List<JsonObject> segs = new ArrayList<>();
                if (e.change() instanceof Mapped m) {
                    for (MapSegment s : m.segments()) {
                        segs.add(new JsonObject().hex("iova", s.iova()).hex("pa", s.pa()).hex("size", s.size())
                                .string("prot", s.prot().toString()));
                    }
                } else {
                    for (UnmapSegment s : ((Unmapped) e.change()).segments()) {
                        segs.add(new JsonObject().hex("iova", s.iova()).hex("size", s.size()));
                    }
                }
                out.array("segments", segs);
            }
        });
        r.register(DomainEvent.Freed.class, new EventRenderer<DomainEvent.Freed>() {
            @Override
            public String name(DomainEvent.Freed e) {
                return "FREED";
            }

            @Override
            public String details(DomainEvent.Freed e) {
                return "";
            }

            @Override
            public void json(DomainEvent.Freed e, JsonObject out) {}
        });
    }

    /** {@code STAGE1 granule=4K ias=48 oas=48 asid=0x5}, the spec as allocation and state listings show it. */
    static String spec(DomainSpec s) {
        TextLine t = TextLine.of(s.stage().name()).word("granule", s.granule().label()).dec("ias", s.ias())
                .dec("oas", s.oas());
        if (s.asid() >= 0) {
            t.hex("asid", s.asid());
        }
        if (s.vmid() >= 0) {
            t.hex("vmid", s.vmid());
        }
        if (s.parent() != null) {
            t.word("parent", s.parent().persistenceId());
        }
        return t.toString();
    }

    static void specJson(DomainSpec s, JsonObject out) {
        out.string("stage", s.stage().name()).string("granule", s.granule().label()).number("ias", s.ias())
                .number("oas", s.oas());
        if (s.asid() >= 0) {
            out.hex("asid", s.asid());
        }
        if (s.vmid() >= 0) {
            out.hex("vmid", s.vmid());
        }
        if (s.parent() != null) {
            out.string("parent", s.parent().persistenceId());
        }
    }

    private static String mapText(List<MapSegment> segments) {
        List<MapSegment> runs = new ArrayList<>();
        for (MapSegment s : segments) {
            MapSegment last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.iova() + last.size() == s.iova() && last.pa() + last.size() == s.pa()
                    && last.prot().equals(s.prot())) {
                runs.set(runs.size() - 1, new MapSegment(last.iova(), last.pa(), last.size() + s.size(), last.prot()));
            } else {
                runs.add(s);
            }
        }
        List<String> parts = new ArrayList<>();
        for (MapSegment s : runs) {
            parts.add("iova=0x" + Long.toHexString(s.iova()) + " pa=0x" + Long.toHexString(s.pa()) + " size=0x"
                    + Long.toHexString(s.size()) + " prot=" + s.prot());
        }
        return joinRuns(parts, segments.size());
    }

    private static String unmapText(List<UnmapSegment> segments) {
        List<UnmapSegment> runs = new ArrayList<>();
        for (UnmapSegment s : segments) {
            UnmapSegment last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.iova() + last.size() == s.iova()) {
                runs.set(runs.size() - 1, new UnmapSegment(last.iova(), last.size() + s.size()));
            } else {
                runs.add(s);
            }
        }
        List<String> parts = new ArrayList<>();
        for (UnmapSegment s : runs) {
            parts.add("iova=0x" + Long.toHexString(s.iova()) + " size=0x" + Long.toHexString(s.size()));
        }
        return joinRuns(parts, segments.size());
    }

    private static String joinRuns(List<String> runs, int segments) {
        StringBuilder sb = new StringBuilder(String.join("; ", runs.subList(0, Math.min(MAX_RUNS, runs.size()))));
        if (runs.size() > MAX_RUNS) {
            sb.append("; ... ").append(runs.size() - MAX_RUNS).append(" more runs");
        }
        if (segments > 1) {
            sb.append(" (").append(segments).append(" segments)");
        }
        return sb.toString();
    }
}
