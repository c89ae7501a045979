package org.iommusim.simulations.scenario;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.iommusim.persistence.domain.DomainAllocation;
import org.iommusim.persistence.domain.DomainError;
import org.iommusim.protocol.config.SteConfig;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.DomainStage;

/**
 * The checks between entries: unique ids, references that resolve, stages that fit, and domains their
 * SMMU can host. Runs only on a file whose entries each read cleanly, so a reference never fails merely
 * because its target had a typo. Also derives what a {@link StreamDef} and a {@link DeviceDef} hold but
 * the file does not repeat (a stream's stage-2 domain and VMID, a device's SMMU).
 */
final class References {
    private final Problems problems;
    private final Map<Integer, Located<SmmuDef>> smmus = new LinkedHashMap<>();
    private final Map<DomainId, Located<DomainDef>> domains = new LinkedHashMap<>();
    private final Map<List<Integer>, Located<StreamReader.Entry>> streams = new LinkedHashMap<>();
    /** Entries already reported: whatever refers to them is not reported again (one mistake, one message). */
    private final Set<DomainId> badDomains = new HashSet<>();
    private final Set<List<Integer>> badStreams = new HashSet<>();

    References(Problems problems) {
        this.problems = problems;
    }

    List<SmmuDef> smmus(List<Located<SmmuDef>> read) {
        for (Located<SmmuDef> s : read) {
            Located<SmmuDef> first = smmus.putIfAbsent(s.value().id(), s);
            if (first != null) {
                s.node().problem("id", "duplicate SMMU id " + s.value().id() + " (first at line " + line(first, "id") + ")");
            }
        }
        return smmus.values().stream().map(Located::value).toList();
    }

    List<DomainDef> domains(List<Located<DomainDef>> read) {
        for (Located<DomainDef> d : read) {
            Located<DomainDef> first = domains.putIfAbsent(d.value().id(), d);
            if (first != null) {
                d.node().problem("id", "duplicate domain id " + d.value().id().value()
                        + " (first at line " + line(first, "id") + ")");
            }
        }
        for (Located<DomainDef> d : domains.values()) {
            if (!checkDomain(d)) {
                badDomains.add(d.value().id());
            }
        }
        return domains.values().stream().map(Located::value).toList();
    }

    private boolean checkDomain(Located<DomainDef> located) {
        DomainDef d = located.value();
        ConfNode n = located.node();
        Located<SmmuDef> smmu = smmus.get(d.smmu());
        if (smmu == null) {
            n.problem("smmu", "no SMMU " + d.smmu() + " (SMMUs: " + known(smmus.keySet()) + ")");
            return false;
        }
        Optional<DomainSpec> parent = Optional.empty();
        if (d.spec().stage() == DomainStage.NESTED) {
            Located<DomainDef> p = domains.get(d.spec().parent());
            if (p == null) {
                n.problem("parent", "no domain " + d.spec().parent().value());
                return false;
            }
            if (p.value().spec().stage() != DomainStage.STAGE2) {
                n.problem("parent", "domain " + p.value().id().value() + " is a "
                        + ConfNode.wordOf(p.value().spec().stage()) + " domain; a nested domain's parent must be stage2");
                return false;
            }
            if (p.value().smmu() != d.smmu()) {
                n.problem("parent", "domain " + p.value().id().value() + " is on SMMU " + p.value().smmu()
                        + ", not on this domain's SMMU " + d.smmu());
                return false;
            }
            parent = Optional.of(p.value().spec());
        }
        Optional<DomainError> refused = DomainAllocation.check(d.spec(), smmu.value().caps(), parent);
        refused.ifPresent(e -> n.problem(keyOf(e.kind(), d.spec()), "SMMU " + d.smmu() + " refuses it: " + e.message()));
        return refused.isEmpty();
    }

    /** The key an allocation refusal is about, so the message lands on the line to change. */
    private static String keyOf(DomainError.Kind kind, DomainSpec spec) {
        return switch (kind) {
            case STAGE_UNSUPPORTED, NESTING_UNSUPPORTED -> "stage";
            case GRANULE_UNSUPPORTED -> "granule";
            case TAG_OUT_OF_RANGE -> spec.stage() == DomainStage.STAGE2 ? "vmid" : "asid";
            case PARENT_UNKNOWN, PARENT_NOT_STAGE2, NESTED_ON_NESTED -> "parent";
            default -> "smmu";
        };
    }

    List<StreamDef> streams(List<Located<StreamReader.Entry>> read) {
        List<StreamDef> defs = new ArrayList<>();
        for (Located<StreamReader.Entry> s : read) {
            StreamDef def = stream(s);
            if (def != null) {
                defs.add(def);
            } else if (streams.get(List.of(s.value().smmu(), s.value().sid())) == s) {
                badStreams.add(List.of(s.value().smmu(), s.value().sid()));
            }
        }
        return defs;
    }

    private StreamDef stream(Located<StreamReader.Entry> located) {
        StreamReader.Entry s = located.value();
        ConfNode n = located.node();
        Located<StreamReader.Entry> first = streams.putIfAbsent(List.of(s.smmu(), s.sid()), located);
        if (first != null) {
            n.problem("sid", "duplicate stream " + s.sid() + " on SMMU " + s.smmu() + " (first at line " + line(first, "sid") + ")");
            return null;
        }
        Located<SmmuDef> smmu = smmus.get(s.smmu());
        if (smmu == null) {
            n.problem("smmu", "no SMMU " + s.smmu() + " (SMMUs: " + known(smmus.keySet()) + ")");
            return null;
        }
        if (!smmu.value().caps().sidInRange(s.sid())) {
            n.problem("sid", s.sid() + " does not fit SMMU " + s.smmu() + "'s " + smmu.value().caps().sidBits() + "-bit StreamIDs");
            return null;
        }
        if (s.domain() == null) {
            return new StreamDef(s.smmu(), s.sid(), s.config(), null, null, -1);
        }
        Located<DomainDef> d = domains.get(s.domain());
        if (d == null) {
            n.problem("domain", "no domain " + s.domain().value());
            return null;
        }
        if (badDomains.contains(s.domain())) {
            return null;
        }
        DomainDef domain = d.value();
        if (domain.smmu() != s.smmu()) {
            n.problem("domain", "domain " + s.domain().value() + " is on SMMU " + domain.smmu()
                    + ", not on the stream's SMMU " + s.smmu());
            return null;
        }
        DomainStage wanted = stageFor(s.config());
        if (domain.spec().stage() != wanted) {
            n.problem("domain", "domain " + s.domain().value() + " is a " + ConfNode.wordOf(domain.spec().stage())
                    + " domain; a " + ConfNode.wordOf(s.config()) + " stream needs a " + ConfNode.wordOf(wanted) + " domain");
            return null;
        }
        return switch (s.config()) {
            case STAGE1 -> new StreamDef(s.smmu(), s.sid(), s.config(), domain.id(), null, -1);
            case STAGE2 -> new StreamDef(s.smmu(), s.sid(), s.config(), null, domain.id(), domain.spec().vmid());
            default -> {
                Located<DomainDef> parent = domains.get(domain.spec().parent());
                // A missing parent was already reported on the domain itself.
                yield parent == null ? null : new StreamDef(s.smmu(), s.sid(), s.config(), domain.id(),
                        parent.value().id(), parent.value().spec().vmid());
            }
        };
    }

    /** The stage of the domain a stream names: for nested it is the nested domain, whose parent gives stage 2. */
    private static DomainStage stageFor(SteConfig config) {
        return switch (config) {
            case STAGE1 -> DomainStage.STAGE1;
            case STAGE2 -> DomainStage.STAGE2;
            default -> DomainStage.NESTED;
        };
    }

    List<DeviceDef> devices(List<Located<DeviceReader.Entry>> read) {
        Map<String, Located<DeviceReader.Entry>> names = new HashMap<>();
        List<DeviceDef> defs = new ArrayList<>();
        for (Located<DeviceReader.Entry> d : read) {
            Located<DeviceReader.Entry> first = names.putIfAbsent(d.value().name(), d);
            if (first != null) {
                d.node().problem("name", "duplicate device name '" + d.value().name() + "' (first at line "
                        + line(first, "name") + ")");
                continue;
            }
            DeviceDef def = device(d);
            if (def != null) {
                defs.add(def);
            }
        }
        return defs;
    }

    private DeviceDef device(Located<DeviceReader.Entry> located) {
        DeviceReader.Entry d = located.value();
        ConfNode n = located.node();
        Integer smmu = d.smmu();
        if (smmu == null) {
            List<Integer> on = streams.keySet().stream().filter(k -> k.get(1) == d.sid()).map(k -> k.get(0)).toList();
            if (on.size() > 1) {
                n.problem("stream", "stream " + d.sid() + " exists on SMMUs " + known(on) + "; say which with smmu");
                return null;
            }
            smmu = on.isEmpty() ? null : on.get(0);
        } else if (!smmus.containsKey(smmu) && streams.keySet().stream().noneMatch(k -> k.get(0).equals(d.smmu()))) {
            n.problem("smmu", "no SMMU " + smmu + " (SMMUs: " + known(smmus.keySet()) + ")");
            return null;
        }
        Located<StreamReader.Entry> stream = smmu == null ? null : streams.get(List.of(smmu, d.sid()));
        if (stream != null && badStreams.contains(List.of(smmu, d.sid()))) {
            return null;
        }
        if (stream == null) {
            n.problem("stream", "no stream " + d.sid() + (smmu == null ? "" : " on SMMU " + smmu));
            return null;
        }
        if (d.workload() instanceof Workload.NestedGuest && stream.value().config() != SteConfig.NESTED) {
            n.problem("stream", "a nested-guest workload needs a nested stream; stream " + d.sid() + " is "
                    + ConfNode.wordOf(stream.value().config()));
            return null;
        }
        if (d.workload() instanceof Workload.NestedGuest g && g.guestTables()) {
            Located<DomainDef> guest = domains.get(stream.value().domain());
            if (guest != null && guest.value().spec().granule() != Granule.G4K) {
                n.problem("workload", "guest-tables = true keeps the guest's stage-1 tables in its memory as 4K-granule"
                        + " tables; domain " + guest.value().id().value() + " of stream " + d.sid() + " has the "
                        + guest.value().spec().granule().pageSize() / 1024 + "K granule");
                return null;
            }
        }
        return new DeviceDef(d.name(), smmu, d.sid(), d.weight(), d.workload(), d.intervalNs(), d.untrusted(),
                d.stray());
    }

    private static int line(Located<?> located, String key) {
        return located.node().where(key).line();
    }

    private static String known(Collection<Integer> ids) {
        return ids.isEmpty() ? "none" : ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
