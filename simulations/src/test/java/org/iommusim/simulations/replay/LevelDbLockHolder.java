package org.iommusim.simulations.replay;

import java.io.File;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;

/**
 * Run in a child JVM: opens a real LevelDB (taking its LOCK) and holds it
 * until stdin closes. A copy of persistence's test helper, whose test classes
 * are not on this module's classpath.
 */
public final class LevelDbLockHolder {
    public static void main(String[] args) throws Exception {
        try (DB db = JniDBFactory.factory.open(new File(args[0]), new Options().createIfMissing(true))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
