package org.iommusim.persistence.pagetable;

import static org.junit.jupiter.api.Assertions.*;

import org.iommusim.protocol.domain.DomainSpec;
import org.iommusim.protocol.domain.Granule;
import org.iommusim.protocol.domain.Prot;
import org.iommusim.protocol.translate.Access;
import org.iommusim.protocol.translate.Perms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every R/W/X/PRIV combination at both stages, mapped, walked, and checked
 * against the table written out by hand (X means NOEXEC is absent).
 * Columns: stage, R, W, X, PRIV, perms (rwxu or NO_ACCESS), privileged accesses allowed, unprivileged ones.
 */
class PermissionTableTest {

    @ParameterizedTest(name = "stage {0} R={1} W={2} X={3} PRIV={4} -> {5}")
    @CsvSource({
            // stage 1: always readable, WRITE alone is read-write, PRIV removes unprivileged access
            "1, 0, 0, 0, 0, NO_ACCESS, , ",
            "1, 0, 0, 0, 1, NO_ACCESS, , ",
            "1, 0, 0, 1, 0, NO_ACCESS, , ",
            "1, 0, 0, 1, 1, NO_ACCESS, , ",
            "1, 0, 1, 0, 0, rw-u, rw-, rw-",
            "1, 0, 1, 0, 1, rw--, rw-, ---",
            "1, 0, 1, 1, 0, rwxu, rwx, rwx",
            "1, 0, 1, 1, 1, rwx-, rwx, ---",
            "1, 1, 0, 0, 0, r--u, r--, r--",
            "1, 1, 0, 0, 1, r---, r--, ---",
            "1, 1, 0, 1, 0, r-xu, r-x, r-x",
            "1, 1, 0, 1, 1, r-x-, r-x, ---",
            "1, 1, 1, 0, 0, rw-u, rw-, rw-",
            "1, 1, 1, 0, 1, rw--, rw-, ---",
            "1, 1, 1, 1, 0, rwxu, rwx, rwx",
            "1, 1, 1, 1, 1, rwx-, rwx, ---",
            // stage 2: independent read and write, PRIV ignored, exec needs read
            "2, 0, 0, 0, 0, NO_ACCESS, , ",
            "2, 0, 0, 0, 1, NO_ACCESS, , ",
            "2, 0, 0, 1, 0, NO_ACCESS, , ",
            "2, 0, 0, 1, 1, NO_ACCESS, , ",
            "2, 0, 1, 0, 0, -w-u, -w-, -w-",
            "2, 0, 1, 0, 1, -w-u, -w-, -w-",
            "2, 0, 1, 1, 0, -wxu, -w-, -w-",
            "2, 0, 1, 1, 1, -wxu, -w-, -w-",
            "2, 1, 0, 0, 0, r--u, r--, r--",
            "2, 1, 0, 0, 1, r--u, r--, r--",
            "2, 1, 0, 1, 0, r-xu, r-x, r-x",
            "2, 1, 0, 1, 1, r-xu, r-x, r-x",
            "2, 1, 1, 0, 0, rw-u, rw-, rw-",
            "2, 1, 1, 0, 1, rw-u, rw-, rw-",
            "2, 1, 1, 1, 0, rwxu, rwx, rwx",
            "2, 1, 1, 1, 1, rwxu, rwx, rwx",
    })
    void mappedPermissionsFollowTheStageRule(int stage, int r, int w, int x, int priv,
                                             String perms, String privileged, String unprivileged) {
        DomainSpec spec = stage == 1 ? DomainSpec.stage1(Granule.G4K, 48, 48, 1) : DomainSpec.stage2(Granule.G4K, 48, 48, 1);
        int bits = (r == 1 ? Prot.READ : 0) | (w == 1 ? Prot.WRITE : 0) | (x == 1 ? 0 : Prot.NOEXEC) | (priv == 1 ? Prot.PRIV : 0);
        UpdateResult result = PageTable.empty(spec).map(0x10000, 0x20000, 0x1000, Prot.of(bits));

        if (perms.equals("NO_ACCESS")) {
            assertEquals(PageTableError.Kind.NO_ACCESS, result.error().orElseThrow().kind());
            assertEquals(0, result.table().leafCount());
            return;
        }
        WalkResult.Leaf leaf = (WalkResult.Leaf) result.table().walk(0x10000);
        Perms p = leaf.perms();
        assertEquals(perms, p.compact());
        assertEquals(privileged, allowed(p, true));
        assertEquals(unprivileged, allowed(p, false));
    }

    private static String allowed(Perms p, boolean privileged) {
        return (p.allows(Access.READ, privileged) ? "r" : "-")
                + (p.allows(Access.WRITE, privileged) ? "w" : "-")
                + (p.allows(Access.EXEC, privileged) ? "x" : "-");
    }
}
