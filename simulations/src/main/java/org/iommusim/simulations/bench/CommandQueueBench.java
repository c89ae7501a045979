package org.iommusim.simulations.bench;

import com.typesafe.config.ConfigFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iommusim.actors.smmu.SmmuEntity;
import org.iommusim.actors.smmu.SmmuNode;
import org.iommusim.persistence.journal.JournalSettings;
import org.iommusim.persistence.serialization.IommuSimSerializer;
import org.iommusim.persistence.smmu.SmmuChange;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.command.TlbiNhVa;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Commands consumed and durably persisted per second through the SMMU
 * entity on the LevelDB JNI journal with fsync on, at batch sizes 1, 64 and
 * 256 (each batch: TLBI_NH_VA entries closed by a CMD_SYNC), beside a raw
 * LevelDB JNI WriteBatch loop writing the same bytes (the Submitted and
 * Consumed events of one batch in one sync write), in the same run.
 *
 * <p>Run: {@code java -cp simulations/target/iommu-sim.jar org.iommusim.simulations.bench.CommandQueueBench [commandsPerRound] [producers]}
 */
public final class CommandQueueBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final IommuSimSerializer SERIALIZER = new IommuSimSerializer();

    private CommandQueueBench() {}

    public static void main(String[] args) throws Exception {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : 51_200;
        int producers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        System.out.printf("SMMU command queue, fsync on, ~%d commands per round, %d producer(s)%n", commands, producers);
        System.out.printf("%-6s %-58s %-58s %8s%n", "batch", "actor commands/s", "raw LevelDB commands/s", "ratio");
        for (int batch : new int[] {1, 64, 256}) {
            Rounds actor = actorRounds(batch, commands, producers);
            Rounds raw = rawRounds(batch, commands);
            System.out.printf("%-6d %-58s %-58s %8.2f%n", batch, actor.summary(), raw.summary(), actor.mean() / raw.mean());
        }
    }

    /** A Linux-like batch: TLBIs closed by a CMD_SYNC (a batch of one is just a sync). */
    static List<RawCommand> batch(int size) {
        List<RawCommand> out = new ArrayList<>(size);
        for (int i = 0; i < size - 1; i++) {
            out.add(TlbiNhVa.of(0, 1, 0x10_0000_0000L + i * 4096L, true).encode());
        }
        out.add(CmdSync.poll().encode());
        return out;
    }

    static Rounds actorRounds(int size, int commands, int producers) throws Exception {
        Path dir = Files.createTempDirectory("iommu-sim-bench-cmdq");
        JournalSettings journal = JournalSettings.levelDb(dir).withFsync(true).prepare();
        SmmuCapabilities caps = SmmuCapabilities.builder().cmdqs(Math.max(8, 32 - Integer.numberOfLeadingZeros(size * producers * 2))).build();
        SmmuNode.Setup setup = new SmmuNode.Setup("smmu-0", caps, new SmmuEntity.Settings(Math.max(256, size), 0),
                org.iommusim.actors.translate.TranslationWorker.Settings.defaults(), 0, 64, List.of(), List.of());
        ActorSystem<SmmuNode.Command> system = ActorSystem.create(SmmuNode.create(setup, new SmmuNode.Handles(),
                new org.iommusim.actors.domain.PageTableViews()), "bench", journal.toConfig().withFallback(ConfigFactory.load()));
        try {
            List<RawCommand> entries = batch(size);
            int batchesPerProducer = Math.max(1, commands / size / producers);
            return Rounds.measure(2, 5, () -> {
                List<CompletableFuture<Void>> running = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    running.add(CompletableFuture.runAsync(() -> {
                        for (int b = 0; b < batchesPerProducer; b++) {
                            SmmuEntity.SubmitReply r = AskPattern.<SmmuNode.Command, SmmuEntity.SubmitReply>ask(system,
                                    reply -> new SmmuNode.ToSmmu(new SmmuEntity.Submit(entries, reply)), TIMEOUT,
                                    system.scheduler()).toCompletableFuture().join();
                            if (!(r instanceof SmmuEntity.Accepted)) {
                                throw new IllegalStateException("benchmark batch refused: " + r);
                            }
                        }
                    }));
                }
                CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).join();
                return (long) batchesPerProducer * producers * size;
            });
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            journal.release();
            DomainMapBench.deleteTree(dir);
        }
    }

    static Rounds rawRounds(int size, int commands) throws Exception {
        Path dir = Files.createTempDirectory("iommu-sim-bench-cmdq-raw");
        List<RawCommand> entries = batch(size);
        byte[] submitted = SERIALIZER.toBinary(new SmmuChange.Submitted(entries));
        byte[] consumed = SERIALIZER.toBinary(new SmmuChange.Consumed(size, List.of()));
        int batches = Math.max(1, commands / size);
        try (DB db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true))) {
            WriteOptions sync = new WriteOptions().sync(true);
            long[] seq = {0};
            return Rounds.measure(2, 5, () -> {
                for (int b = 0; b < batches; b++) {
                    try (WriteBatch wb = db.createWriteBatch()) {
                        wb.put(key(++seq[0]), submitted);
                        wb.put(key(++seq[0]), consumed);
                        db.write(wb, sync);
                    }
                }
                return (long) batches * size;
            });
        } finally {
            DomainMapBench.deleteTree(dir);
        }
    }

    private static byte[] key(long seq) {
        return ByteBuffer.allocate(16).putLong(10).putLong(seq).array();
    }
}
