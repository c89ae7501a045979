package org.iommusim.protocol.translate;

/**
 * Effective permissions of a translation, after the stage rules have been
 * applied (stage 1 cannot express write-only; stage 2 can).
 *
 * @param unprivileged whether unprivileged (PnU=0) accesses are allowed
 */
public record Perms(boolean read, boolean write, boolean exec, boolean unprivileged) {

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
