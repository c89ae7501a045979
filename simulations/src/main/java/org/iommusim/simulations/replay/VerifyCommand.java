package org.iommusim.simulations.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.iommusim.actors.api.IommuSim;
import org.iommusim.actors.api.ModelException;
import org.iommusim.actors.api.ModelOptions;
import org.iommusim.actors.api.Smmu;
import org.iommusim.persistence.domain.DomainEvent;
import org.iommusim.persistence.domain.DomainState;
import org.iommusim.persistence.pagetable.Mapped;
import org.iommusim.persistence.pagetable.Unmapped;
import org.iommusim.persistence.replay.DomainFolder;
import org.iommusim.persistence.replay.EventCursor;
import org.iommusim.persistence.replay.JournalEvent;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.persistence.replay.SmmuFolder;
import org.iommusim.persistence.replay.StateReplay;
import org.iommusim.persistence.replay.StreamFolder;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.persistence.smmu.SmmuState;
import org.iommusim.persistence.stream.StreamEvent;
import org.iommusim.persistence.stream.StreamState;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.domain.DomainId;
import org.iommusim.protocol.domain.MapBatch;
import org.iommusim.protocol.domain.UnmapBatch;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;

/**
 * {@code iommu-sim verify --journal DIR}: re-runs the recorded inputs (domain
 * allocations, maps, unmaps and frees; STE and CD writes; command-queue
 * submissions and resumes) through a fresh model on a temporary journal, in
 * the causal order they were decided in (write-time order for a journal from
 * before causal stamps), then rebuilds every domain, stream and SMMU from both
 * journals and compares them. Exit 0 when they all match, 1 with a report of
 * where they diverge.
 *
 * <p>What is compared: a domain's page table (digest and spec), a stream's
 * STE and CDs, an SMMU's command queue (indexes, pending entries, error),
 * configuration cache, invalidations issued and syncs completed. IOTLB shards
 * and the event queue are not: they follow from translations, which a journal
 * does not record. Events written in the same millisecond are re-run domains
 * first, then streams, then SMMUs (writes before the commands that read them).
 * A journal that ends with commands not yet consumed (a crash while a
 * CMD_SYNC waited for the workers' acknowledgements, or between consumption
 * batches) is compared as the consumer would go on ({@link WaitingSync}).
 * A damaged or empty journal fails (exit 1) with the one line saying why.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Re-run a journal's recorded inputs through a fresh model and compare the resulting states."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every entity matches",
                "1:some entity diverges (reported), or the journal is damaged or empty (one line says how)",
                "2:the journal is unusable (missing, locked, not a journal)"})
public final class VerifyCommand extends JournalCommand {

    private record Input(long time, int order, String persistenceId, long seq, Object payload) {}

    /** A damaged or empty journal is not verified: it fails, with the one line that says why. */
    @Override
    protected int refuse(UnusableJournal why, PrintWriter out) {
        out.println(why.getMessage());
        return 1;
    }

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        List<Input> inputs = new ArrayList<>();
        Map<Integer, SmmuCapabilities> smmus = new TreeMap<>();
        // inputs in the order the model decided them (causal stamps); an older journal: write time
        boolean causal = stampedOrNote(reader);
        try (EventCursor events = reader.allEvents()) {
            while (events.hasNext()) {
                JournalEvent e = events.next();
                Object p = e.payload();
                long time = causal ? e.stamp().gsn() : e.timestamp();
                if (p instanceof SmmuChange.Configured c) {
                    smmus.put(smmuIndex(e.persistenceId()), c.caps());
                } else if (p instanceof DomainEvent) {
                    inputs.add(new Input(time, 0, e.persistenceId(), e.sequenceNr(), p));
                } else if (p instanceof StreamEvent) {
                    inputs.add(new Input(time, 1, e.persistenceId(), e.sequenceNr(), p));
                } else if (p instanceof SmmuChange.Submitted || p instanceof SmmuChange.Resumed
                        || p instanceof SmmuChange.StreamTableProgrammed || p instanceof SmmuChange.L1DescriptorWritten) {
                    inputs.add(new Input(time, 2, e.persistenceId(), e.sequenceNr(), p));
                }
            }
        }
        inputs.sort(Comparator.comparingLong(Input::time).thenComparingInt(Input::order)
                .thenComparing(Input::persistenceId).thenComparingLong(Input::seq));
        Path tmp;
        try {
            tmp = Files.createTempDirectory("iommu-sim-verify");
        } catch (IOException e) {
            throw new UserError("cannot create a temporary journal: " + e.getMessage());
        }
        try {
            List<String> problems = rerun(inputs, smmus, tmp.resolve("data"));
            try (JournalReader fresh = JournalReader.open(tmp.resolve("data"))) {
                return compare(reader, fresh, problems, out);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    private List<String> rerun(List<Input> inputs, Map<Integer, SmmuCapabilities> caps, Path dir) {
        List<String> problems = new ArrayList<>();
        try (IommuSim sim = IommuSim.start(ModelOptions.at(dir).withFsync(false).withWorkers(1))) {
            Map<Integer, Smmu> smmus = new HashMap<>();
            caps.forEach((i, c) -> smmus.put(i, sim.addSmmu(i, c)));
            // domains allocate against an SMMU's capabilities; a domain-only journal gets a permissive one
            Smmu anySmmu = smmus.isEmpty() ? sim.addSmmu(Integer.MAX_VALUE, SmmuCapabilities.defaults())
                    : smmus.values().iterator().next();
            Map<Integer, Long> prod = new HashMap<>();
            for (Input in : inputs) {
                try {
                    apply(sim, in, smmus, anySmmu, prod);
                } catch (ModelException e) {
                    problems.add(in.persistenceId() + " #" + in.seq() + " re-run refused: " + e.getMessage());
                }
            }
            prod.forEach((i, p) -> settle(sim, smmus.get(i), p));
        }
        return problems;
    }

    private static void apply(IommuSim sim, Input in, Map<Integer, Smmu> smmus, Smmu anySmmu, Map<Integer, Long> prod) {
        Object p = in.payload();
        if (p instanceof DomainEvent.Allocated a) {
            sim.allocateDomain(domain(in), a.spec(), anySmmu);
        } else if (p instanceof DomainEvent.TableChanged t) {
            if (t.change() instanceof Mapped m) {
                sim.map(domain(in), new MapBatch(m.segments()));
            } else {
                sim.unmap(domain(in), new UnmapBatch(((Unmapped) t.change()).segments()));
            }
        } else if (p instanceof DomainEvent.Freed) {
            sim.freeDomain(domain(in));
        } else if (p instanceof StreamEvent.SteWritten s) {
            sim.writeSte(smmus.get(smmuIndex(in.persistenceId())), sid(in), s.ste());
        } else if (p instanceof StreamEvent.CdWritten c) {
            sim.writeCd(smmus.get(smmuIndex(in.persistenceId())), sid(in), c.ssid(), c.cd());
        } else if (p instanceof SmmuChange.Submitted s) {
            int i = smmuIndex(in.persistenceId());
            Smmu smmu = smmus.get(i);
            long before = prod.getOrDefault(i, 0L);
            try {
                prod.put(i, sim.submitRaw(smmu, s.entries()));
            } catch (ModelException full) {
                // the recorded queue had room: let this model's consumer catch up, as the recorded one had
                settle(sim, smmu, before);
                prod.put(i, sim.submitRaw(smmu, s.entries()));
            }
        } else if (p instanceof SmmuChange.Resumed r) {
            int i = smmuIndex(in.persistenceId());
            settle(sim, smmus.get(i), prod.getOrDefault(i, 0L));
            sim.resume(smmus.get(i), r.replacement());
        } else if (p instanceof SmmuChange.StreamTableProgrammed t) {
            sim.programStreamTable(smmus.get(smmuIndex(in.persistenceId())), t.format());
        } else if (p instanceof SmmuChange.L1DescriptorWritten w) {
            // the consumer's CFGIs before it saw the old descriptor, as in the recorded run
            int i = smmuIndex(in.persistenceId());
            settle(sim, smmus.get(i), prod.getOrDefault(i, 0L));
            sim.writeL1Descriptor(smmus.get(i), w.index(), w.descriptor());
        }
    }

    /** Waits until the consumer has taken everything before {@code prod}, or halted. */
    private static void settle(IommuSim sim, Smmu smmu, long prod) {
        if (prod <= 0) {
            return;
        }
        try {
            sim.awaitConsumed(smmu, prod - 1);
        } catch (ModelException halted) {
            // halted at a bad entry, as the recorded queue was; a Resumed input follows if there was one
        }
    }

    private int compare(JournalReader original, JournalReader fresh, List<String> problems, PrintWriter out) {
        int diverged = problems.size();
        for (String p : problems) {
            out.println("DIVERGES  " + p);
        }
        for (String id : original.persistenceIds()) {
            String verdict;
            if (id.startsWith("domain-")) {
                verdict = compareDomain(original, fresh, id);
            } else if (id.matches("smmu-\\d+/sid-\\d+")) {
                verdict = compareWith(original, fresh, id, new StreamFolder(), VerifyCommand::streamDiff);
            } else if (id.matches("smmu-\\d+")) {
                verdict = compareSmmu(original, fresh, id);
                if (verdict != null && verdict.startsWith(SETTLED)) {
                    out.println("match     " + id + verdict.substring(SETTLED.length()));
                    continue;
                }
            } else if (id.matches("smmu-\\d+/ids")) {
                out.println("not compared  " + id + " (the VMID and ASID allocator: its allocations, releases and"
                        + " flushes are the embedder's calls, which verify does not re-run)");
                continue;
            } else {
                out.println("not compared  " + id + " (follows from translations, which are not recorded)");
                continue;
            }
            if (verdict == null) {
                out.println("match     " + id);
            } else {
                out.println("DIVERGES  " + id + ": " + verdict);
                diverged++;
            }
        }
        out.println(diverged == 0 ? "verified: the recorded inputs reproduce every recorded state"
                : diverged + " divergence(s)");
        return diverged == 0 ? 0 : 1;
    }

    private interface Diff<S> {
        String diff(S recorded, S rerun);
    }

    private static <S> String compareWith(JournalReader original, JournalReader fresh, String id,
            org.iommusim.persistence.replay.StateFolder<S> folder, Diff<S> diff) {
        if (!fresh.contains(id)) {
            return "the re-run never wrote it";
        }
        S a = StateReplay.at(original, id, original.highestSequenceNr(id), folder).state();
        S b = StateReplay.at(fresh, id, fresh.highestSequenceNr(id), folder).state();
        return diff.diff(a, b);
    }

    private static final String SETTLED = "\0settled";

    /**
     * An SMMU's states; a recorded SMMU with commands not yet consumed (its
     * journal ends while a CMD_SYNC waited for the workers, or between
     * consumption batches) is compared as its consumer would go on
     * ({@link WaitingSync}), and a match says so.
     */
    private static String compareSmmu(JournalReader original, JournalReader fresh, String id) {
        if (!fresh.contains(id)) {
            return "the re-run never wrote it";
        }
        SmmuState a = StateReplay.at(original, id, original.highestSequenceNr(id), new SmmuFolder()).state();
        SmmuState b = StateReplay.at(fresh, id, fresh.highestSequenceNr(id), new SmmuFolder()).state();
        String diff = smmuDiff(a, b);
        if (diff == null) {
            return null;
        }
        var completed = WaitingSync.complete(a, WaitingSync.memoryOf(original, id));
        if (completed.isEmpty()) {
            return diff;
        }
        String waiting = completed.get().describe();
        String rest = smmuDiff(completed.get().state(), b);
        return rest == null ? SETTLED + " (" + waiting + ")" : rest + " (" + waiting + ")";
    }

    private static String compareDomain(JournalReader original, JournalReader fresh, String id) {
        return compareWith(original, fresh, id, new DomainFolder(), (a, b) -> {
            if (a.getClass() != b.getClass()) {
                return "recorded " + a.getClass().getSimpleName() + ", re-run " + b.getClass().getSimpleName();
            }
            if (a instanceof DomainState.Active x && b instanceof DomainState.Active y) {
                if (!x.spec().equals(y.spec())) {
                    return "spec " + x.spec() + " vs " + y.spec();
                }
                if (x.pageTable().digest() != y.pageTable().digest()) {
                    return String.format("page-table digest %016x vs %016x", x.pageTable().digest(), y.pageTable().digest());
                }
            }
            return null;
        });
    }

    private static String streamDiff(StreamState a, StreamState b) {
        return a.equals(b) ? null : "memory " + a.memory() + " vs " + b.memory();
    }

    private static String smmuDiff(SmmuState a, SmmuState b) {
        if (!a.queue().equals(b.queue())) {
            return "command queue " + a.queue() + " vs " + b.queue();
        }
        if (!a.config().equals(b.config())) {
            return "configuration cache " + a.config() + " vs " + b.config();
        }
        if (a.invalidationsIssued() != b.invalidationsIssued() || a.syncsCompleted() != b.syncsCompleted()) {
            return "invalidations/syncs " + a.invalidationsIssued() + "/" + a.syncsCompleted() + " vs "
                    + b.invalidationsIssued() + "/" + b.syncsCompleted();
        }
        return null;
    }

    private static DomainId domain(Input in) {
        return DomainId.of(Long.parseLong(in.persistenceId().substring("domain-".length())));
    }

    private static int smmuIndex(String persistenceId) {
        String s = persistenceId.substring("smmu-".length());
        int slash = s.indexOf('/');
        return Integer.parseInt(slash < 0 ? s : s.substring(0, slash));
    }

    private static int sid(Input in) {
        String p = in.persistenceId();
        return Integer.parseUnsignedInt(p.substring(p.indexOf("/sid-") + "/sid-".length()));
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
