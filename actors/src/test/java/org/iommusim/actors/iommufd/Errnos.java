package org.iommusim.actors.iommufd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Asserting an iommufd refusal by its errno, as the selftest's {@code test_err_*} macros do. */
final class Errnos {
    private Errnos() {}

    static IommufdException expect(Errno errno, Executable call) {
        IommufdException e = assertThrows(IommufdException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }

    static IommufdException expect(Errno errno, Executable call, String why) {
        IommufdException e = assertThrows(IommufdException.class, call, why);
        assertEquals(errno, e.errno(), why + ": " + e.getMessage());
        return e;
    }
}
