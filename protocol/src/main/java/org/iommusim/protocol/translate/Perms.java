package org.iommusim.protocol.translate;

/**
 * Effective permissions of a translation, after the stage rules have been
 * applied (stage 1 cannot express write-only; stage 2 can).
 *
 * @param unprivileged whether unprivileged (PnU=0) accesses are allowed
 */
public record Perms(boolean read, boolean write, boolean exec, boolean unprivileged) {
    private static final Perms[] BY_BITS = new Perms[16];

    static {
        for (int i = 0; i < 16; i++) {
            BY_BITS[i] = new Perms((i & 1) != 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0);
        }
    }

    /** The shared instance of {@link #bits()} value {@code bits} (0 to 15): read 1, write 2, exec 4, unprivileged 8. */
    public static Perms ofBits(int bits) {
        if (bits < 0 || bits > 15) {
            throw new IllegalArgumentException("permission bits are 0 to 15, got " + bits);
        }
        return BY_BITS[bits];
    }

    /** Read 1, write 2, exec 4, unprivileged 8. */
    public int bits() {
        return (read ? 1 : 0) | (write ? 2 : 0) | (exec ? 4 : 0) | (unprivileged ? 8 : 0);
    }

    /**
     * Whether an access passes these permissions. An unprivileged access needs {@code unprivileged}; an
     * instruction fetch needs both exec and read.
     * @return true when it passes
     */
    public boolean allows(Access access, boolean privileged) {
        if (!privileged && !unprivileged) {
            return false;
        }
        return switch (access) {
            case READ -> read;
            case WRITE -> write;
            case EXEC -> exec && read;
        };
    }

    /** What both stages allow: nested translation needs the access to pass each. */
    public Perms intersect(Perms other) {
        return new Perms(read && other.read, write && other.write, exec && other.exec,
                unprivileged && other.unprivileged);
    }

    /** {@code rwxu} style, e.g. {@code r-x-}. */
    public String compact() {
        return (read ? "r" : "-") + (write ? "w" : "-") + (exec ? "x" : "-") + (unprivileged ? "u" : "-");
    }

    @Override
    public String toString() {
        return compact();
    }
}
