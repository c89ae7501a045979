package org.iommusim.persistence.replay;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Lists the snapshot files of a local snapshot store directory, parsing names
 * the way Pekko's {@code LocalSnapshotStore.extractMetadata} does: the
 * timestamp after the last {@code -}, the sequence number before it, the
 * URL-encoded persistence id between {@code snapshot-} and that. Files still
 * being written end in {@code tmp} and are left out, as Pekko leaves them out.
 */
final class SnapshotFiles {
    private static final String PREFIX = "snapshot-";

    private SnapshotFiles() {}

    /** Every snapshot, by persistence id, then sequence number, then timestamp. */
    static List<SnapshotInfo> list(Path dir) {
        List<SnapshotInfo> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path f : files) {
                parse(f, Files.size(f)).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new JournalReadException("cannot list snapshots in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(SnapshotInfo::persistenceId, PersistenceIdOrder.INSTANCE)
                .thenComparingLong(SnapshotInfo::sequenceNr)
                .thenComparingLong(SnapshotInfo::timestamp));
        return out;
    }

    /** The snapshot a file name describes, if it is one. */
    static Optional<SnapshotInfo> parse(Path file, long size) {
        String name = file.getFileName().toString();
        int seqEnd = name.lastIndexOf('-');
        int pidEnd = seqEnd > 0 ? name.lastIndexOf('-', seqEnd - 1) : -1;
        if (!name.startsWith(PREFIX) || pidEnd <= PREFIX.length()) {
            return Optional.empty();
        }
        String seq = name.substring(pidEnd + 1, seqEnd);
        String ts = name.substring(seqEnd + 1);
        if (!digits(seq) || !digits(ts)) {
            return Optional.empty();
        }
        try {
            String pid = URLDecoder.decode(name.substring(PREFIX.length(), pidEnd), StandardCharsets.UTF_8);
            return Optional.of(new SnapshotInfo(pid, Long.parseLong(seq), Long.parseLong(ts), size, file));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.length() < 19 && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
