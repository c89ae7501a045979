package org.iommusim.simulations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.iommusim.protocol.bits.Hex;
import org.iommusim.protocol.command.CommandCodec;
import org.iommusim.protocol.command.CommandError;
import org.iommusim.protocol.command.DecodedCommand;
import org.iommusim.protocol.command.RawCommand;
import org.iommusim.protocol.event.EventCodec;
import org.iommusim.protocol.event.EventDecode;
import org.iommusim.protocol.event.EventDecodeError;
import org.iommusim.protocol.event.RawEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code iommu-sim decode}: 16-byte command entries (or, with --events,
 * 32-byte event records) given as hex words or read from a raw file, one
 * decoded line each. Exit 0 when every entry decodes, 1 when any is refused
 * (its CERROR and reason are printed in its place), 2 for unusable input.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decode SMMUv3 command-queue entries (DW0 DW1 pairs) or, with --events, event records "
                + "(DW0 DW1 DW2 DW3), one line per entry.",
                "Words are 64-bit hex, with or without 0x. --file reads raw little-endian entries instead."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every entry decoded", "1:some entry is illegal (its CERROR is printed)",
                "2:the input itself is unusable"})
final class DecodeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "WORD", arity = "0..*", description = "64-bit hex words: DW0 DW1 per command")
    List<String> words = new ArrayList<>();

    @Option(names = "--file", paramLabel = "F", description = "read raw little-endian entries from F")
    Path file;

    @Option(names = "--events", description = "decode 32-byte event-queue records instead of commands")
    boolean events;

    @Option(names = "--raw", description = "prefix each line with the entry's words")
    boolean raw;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        int entryWords = events ? 4 : 2;
        long[] input = file != null ? readFile(entryWords) : parseWords(entryWords);
        PrintWriter out = spec.commandLine().getOut();
        boolean anyRefused = false;
        for (int i = 0; i < input.length; i += entryWords) {
            String line;
            String prefix = "";
            if (events) {
                RawEvent r = new RawEvent(input[i], input[i + 1], input[i + 2], input[i + 3]);
                EventDecode d = EventCodec.decode(r);
                anyRefused |= d instanceof EventDecodeError;
                line = d.toText();
                prefix = Hex.word(r.dw0()) + " " + Hex.word(r.dw1()) + " " + Hex.word(r.dw2()) + " " + Hex.word(r.dw3());
            } else {
                RawCommand r = new RawCommand(input[i], input[i + 1]);
                DecodedCommand d = CommandCodec.decode(r);
                anyRefused |= d instanceof CommandError;
                line = d.toText();
                prefix = r.hex();
            }
            out.println(raw ? prefix + "  " + line : line);
        }
        out.flush();
        return anyRefused ? 1 : 0;
    }

    private long[] parseWords(int entryWords) {
        if (words.isEmpty()) {
            throw new UserError("give " + (events ? "DW0 DW1 DW2 DW3 per event" : "DW0 DW1 per command")
                    + " as hex words, or --file F");
        }
        if (words.size() % entryWords != 0) {
            throw new UserError(words.size() + " words is not a whole number of " + (events ? "events" : "commands")
                    + " (" + entryWords + " words each)");
        }
        long[] out = new long[words.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Hex.parseWord(words.get(i));
            } catch (NumberFormatException e) {
                throw new UserError("word " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private long[] readFile(int entryWords) {
        if (!words.isEmpty()) {
            throw new UserError("give either hex words or --file, not both");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        int entryBytes = entryWords * 8;
        if (bytes.length % entryBytes != 0) {
            throw new UserError(file + " holds " + bytes.length + " bytes, not a whole number of " + entryBytes
                    + "-byte " + (events ? "event records" : "command entries"));
        }
        java.nio.LongBuffer lb = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        long[] out = new long[lb.remaining()];
        lb.get(out);
        return out;
    }
}
