package org.iommusim.persistence.replay;

import java.nio.file.Path;

/**
 * What makes a journal untrustworthy, said in one line: the file, what is
 * wrong with it, and which entity and sequence numbers it affects.
 *
 * @param file     the file (or, for a problem no single file shows, the LevelDB directory)
 * @param problem  what is wrong, e.g. "checksum mismatch in the record at byte 40960"
 * @param affected the entity and range, e.g. "domain-1 #2471..#2492 lost", or "every entity"
 */
public record JournalDamage(Path file, String problem, String affected) {

    /** The one line a user sees. */
    public String line() {
        return "journal damaged: " + file + ": " + problem + "; affected: " + affected;
    }
}
