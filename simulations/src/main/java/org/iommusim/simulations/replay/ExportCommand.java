package org.iommusim.simulations.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iommusim.persistence.replay.JournalReader;
import org.iommusim.simulations.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iommu-sim export --journal DIR --out FILE.jsonl}: every event, one
 * JSON object per line, by entity then sequence number, without wall-clock or
 * per-run fields, so two runs that did the same thing export identical bytes.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write every event of a recorded journal as JSON lines, in a stable order "
                + "(entity, then sequence number), without timestamps: identical runs export identical files."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "2:the journal is unusable, or FILE cannot be written"})
public final class ExportCommand extends JournalCommand {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the JSON lines")
    Path outFile;

    @Override
    protected int run(JournalReader reader, PrintWriter out) {
        Path target = outFile.toAbsolutePath().normalize();
        if (target.startsWith(reader.location().dataDir())) {
            throw new UserError("--out " + target + " is inside the journal's directory, which replay never changes");
        }
        long count;
        try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            count = JournalExport.write(reader, w);
        } catch (IOException e) {
            throw new UserError("cannot write " + target + ": " + e.getMessage(), e);
        }
        out.println(count + " events of " + reader.persistenceIds().size() + " entities written to " + target);
        return 0;
    }
}
