package org.iommusim.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the tests that need one use: {@code IOMMU_SIM_PG_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/iommusim}), role and
 * password from {@code IOMMU_SIM_JDBC_USER}/{@code _PASSWORD} (default
 * {@code iommusim}/{@code iommusim}), as {@code .ci/postgres} creates them.
 *
 * <p>Policy when it does not answer: under CI ({@code CI=true}, where
 * {@code .ci/run} starts it) the test fails, naming the server; elsewhere it
 * is reported as skipped with the same line (run {@code .ci/postgres} to
 * start it), never silently.
 */
public final class Postgres {
    private Postgres() {}

    public static JdbcJournal journal() {
        String url = env("IOMMU_SIM_PG_URL", "jdbc:postgresql://127.0.0.1:5432/iommusim");
        JdbcJournal j = new JdbcJournal(url, env(JdbcJournal.USER_ENV, "iommusim"),
                env(JdbcJournal.PASSWORD_ENV, "iommusim"));
        try (Connection c = j.connect()) {
            return j;
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + url + " (" + e.getMessage()
                    + "): .ci/postgres installs and starts it";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
            throw new AssertionError(why);
        }
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? otherwise : v;
    }
}
