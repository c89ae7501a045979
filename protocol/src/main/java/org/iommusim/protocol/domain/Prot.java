package org.iommusim.protocol.domain;

/**
 * The protection flags of a map request, with Linux's {@code IOMMU_*} values
 * so raw flags from a driver trace can be used as they are. How they become
 * effective permissions depends on the stage (see the page-table model).
 */
public record Prot(int bits) {
    public static final int READ = 0x1;
    public static final int WRITE = 0x2;
    public static final int CACHE = 0x4;
    public static final int NOEXEC = 0x8;
    public static final int PRIV = 0x20;
    /**
     * The model's own flag, with no Linux {@code IOMMU_*} counterpart: map with the
     * Access flag clear (AF=0), as a CPU page table shared with a device (SVA) holds
     * a page the kernel has aged. A translation through it takes F_ACCESS unless the
     * SMMU updates AF in hardware (HTTU with CD.HA / STE.S2HA). io-pgtable always sets AF.
     */
    public static final int OLD = 0x80;
    private static final int KNOWN = READ | WRITE | CACHE | NOEXEC | PRIV | OLD;

    public Prot {
        if ((bits & ~KNOWN) != 0) {
            throw new IllegalArgumentException("unknown prot bits 0x" + Integer.toHexString(bits & ~KNOWN));
        }
    }

    public static Prot of(int bits) {
        return new Prot(bits);
    }

    public static Prot rw() {
        return new Prot(READ | WRITE);
    }

    public boolean read() {
        return (bits & READ) != 0;
    }

    public boolean write() {
        return (bits & WRITE) != 0;
    }

    public boolean cache() {
        return (bits & CACHE) != 0;
    }

    public boolean noexec() {
        return (bits & NOEXEC) != 0;
    }

    public boolean priv() {
        return (bits & PRIV) != 0;
    }

    /** Mapped with AF=0 (see {@link #OLD}). */
    public boolean old() {
        return (bits & OLD) != 0;
    }

    /** Parses flags such as {@code "RW"}, {@code "R|NOEXEC|PRIV"} or {@code "read,write,cache"}. */
    public static Prot parse(String text) {
        int b = 0;
        String t = text.strip().toUpperCase();
        if (t.matches("[RWXNPC-]+") && !t.contains("NOEXEC")) {
            for (char c : t.toCharArray()) {
                b |= switch (c) {
                    case 'R' -> READ;
                    case 'W' -> WRITE;
                    case 'N' -> NOEXEC;
                    case 'P' -> PRIV;
                    case 'C' -> CACHE;
                    case '-', 'X' -> 0;
                    default -> throw new IllegalArgumentException("unknown prot flag '" + c + "' in '" + text + "'");
                };
            }
            return new Prot(b);
        }
        for (String part : t.split("[|,+ ]+")) {
            b |= switch (part) {
                case "READ" -> READ;
                case "WRITE" -> WRITE;
                case "CACHE" -> CACHE;
                case "NOEXEC" -> NOEXEC;
                case "PRIV" -> PRIV;
                case "OLD" -> OLD;
                case "" -> 0;
                default -> throw new IllegalArgumentException("unknown prot flag '" + part + "' in '" + text + "'");
            };
        }
        return new Prot(b);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (read()) sb.append("READ|");
        if (write()) sb.append("WRITE|");
        if (cache()) sb.append("CACHE|");
        if (noexec()) sb.append("NOEXEC|");
        if (priv()) sb.append("PRIV|");
        if (old()) sb.append("OLD|");
        return sb.length() == 0 ? "NONE" : sb.substring(0, sb.length() - 1);
    }
}
