package org.iommusim.actors.api;

/** Loads LevelDB's JNI library ahead of a thread census: its loader starts the JDK's "process reaper" (chmod). */
final class NativeLevelDb {
    private NativeLevelDb() {}

    static void load() {
        if (org.iommusim.persistence.journal.JournalSettings.nativeAvailable()) {
            org.fusesource.leveldbjni.internal.NativeDB.LIBRARY.load();
        }
    }
}
