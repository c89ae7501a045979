package org.iommusim.actors.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The crash test's side file: one line per record, each forced to disk
 * before the child goes on. {@code B <n> <op> <args>} is written before
 * operation {@code n} is called (so an operation the child was killed in is
 * known), {@code A <n>} after the model acknowledged it. A line cut short by
 * the kill (no newline) is ignored.
 */
final class CrashLedger implements AutoCloseable {
    /** One operation: its words ({@code MAP 3 0x10000 0x...}) and whether the model acknowledged it. */
    record Entry(List<String> op, boolean acked) {}

    private final FileChannel ch;
    private long next;

    private CrashLedger(FileChannel ch) {
        this.ch = ch;
    }

    static CrashLedger create(Path file) throws IOException {
        return new CrashLedger(FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /** Records that operation {@code op} is about to be called; returns its number for {@link #ack}. */
    long begin(String... op) throws IOException {
        long n = next++;
        write("B " + n + " " + String.join(" ", op) + "\n");
        return n;
    }

    void ack(long n) throws IOException {
        write("A " + n + "\n");
    }

    private void write(String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            ch.write(b);
        }
        ch.force(false);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    /** The operations in order; at most the last one is unacknowledged. A missing file is an empty ledger. */
    static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n') + 1; // what follows the last newline is a torn line
        for (String line : text.substring(0, end).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split(" ");
            if (w[0].equals("B") && w.length >= 3 && Long.parseLong(w[1]) == out.size()) {
                if (!out.isEmpty() && !out.get(out.size() - 1).acked()) {
                    throw new IllegalStateException(file + ": operation " + out.size() + " began before "
                            + (out.size() - 1) + " was acknowledged");
                }
                out.add(new Entry(List.of(Arrays.copyOfRange(w, 2, w.length)), false));
            } else if (w[0].equals("A") && w.length == 2 && Long.parseLong(w[1]) == out.size() - 1) {
                out.set(out.size() - 1, new Entry(out.get(out.size() - 1).op(), true));
            } else {
                throw new IllegalStateException(file + ": unexpected line '" + line + "'");
            }
        }
        return out;
    }
}
