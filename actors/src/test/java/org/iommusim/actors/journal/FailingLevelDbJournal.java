package org.iommusim.actors.journal;

import com.typesafe.config.Config;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import org.iommusim.persistence.journal.GuardedLeveldbJournal;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;

/** The guarded journal over a LevelDB whose writes fail with an I/O error while {@link #FAIL} is set. */
public final class FailingLevelDbJournal extends GuardedLeveldbJournal {
    static final AtomicBoolean FAIL = new AtomicBoolean();

    public FailingLevelDbJournal(Config cfg) {
        super(cfg);
    }

    @Override
    public void preStart() {
        super.preStart();
        DB real = leveldb();
        leveldb_$eq((DB) Proxy.newProxyInstance(DB.class.getClassLoader(), new Class<?>[] {DB.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("write") && FAIL.get()) {
                        throw new DBException("IO error: 000005.log: No space left on device");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
