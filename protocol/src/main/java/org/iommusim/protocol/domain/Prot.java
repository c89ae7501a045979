package org.iommusim.protocol.domain;

/**
 * The protection flags of a map request, with Linux's {@code IOMMU_*} values
 * so raw flags from a driver trace can be used as they are. How they become
 * effective permissions depends on the stage (see the page-table model).
 */
public record Prot(int bits) {
    /** {@code IOMMU_READ}: the device may read. */
    public static final int READ = 0x1;
    /** {@code IOMMU_WRITE}: the device may write. */
    public static final int WRITE = 0x2;
    /** {@code IOMMU_CACHE}: cacheable, coherent memory attributes. */
    public static final int CACHE = 0x4;
    /** {@code IOMMU_NOEXEC}: no instruction fetch. */
    public static final int NOEXEC = 0x8;
    /** {@code IOMMU_PRIV}: privileged accesses only (at stage 1). */
    public static final int PRIV = 0x20;
    /**
     * The model's own flag, with no Linux {@code IOMMU_*} counterpart: map with the
     * Access flag clear (AF=0), as a CPU page table shared with a device (SVA) holds
     * a page the kernel has aged. A translation through it takes F_ACCESS unless the
     * SMMU updates AF in hardware (HTTU with CD.HA / STE.S2HA). io-pgtable always sets AF.
     */
    public static final int OLD = 0x80;
    private static final int KNOWN = READ | WRITE | CACHE | NOEXEC | PRIV | OLD;

    /**
     * Checks the flags.
     * @throws IllegalArgumentException if a bit other than the constants above is set
     */
    public Prot {
        if ((bits & ~KNOWN) != 0) {
            throw new IllegalArgumentException("unknown prot bits 0x" + Integer.toHexString(bits & ~KNOWN));
        }
    }

    /**
     * These raw flags, e.g. from a driver trace.
     * @return the protection
     * @throws IllegalArgumentException if an unknown bit is set
     */
    public static Prot of(int bits) {
        return new Prot(bits);
    }

    /**
     * Read and write.
     * @return {@code READ | WRITE}
     */
    public static Prot rw() {
        return new Prot(READ | WRITE);
    }

    /**
     * Whether {@link #READ} is set.
     * @return true when it is
     */
    public boolean read() {
        return (bits & READ) != 0;
    }

    /**
     * Whether {@link #WRITE} is set.
     * @return true when it is
     */
    public boolean write() {
        return (bits & WRITE) != 0;
    }

    /**
     * Whether {@link #CACHE} is set.
     * @return true when it is
     */
    public boolean cache() {
        return (bits & CACHE) != 0;
    }

    /**
     * Whether {@link #NOEXEC} is set.
     * @return true when it is
     */
    public boolean noexec() {
        return (bits & NOEXEC) != 0;
    }

    /**
     * Whether {@link #PRIV} is set.
     * @return true when it is
     */
    public boolean priv() {
        return (bits & PRIV) != 0;
    }

    /** Mapped with AF=0 (see {@link #OLD}). */
    public boolean old() {
        return (bits & OLD) != 0;
    }

    /**
     * Parses flags in one of two forms. Letters: {@code R} read, {@code W} write,
     * {@code C} cache, {@code N} noexec, {@code P} priv, while {@code X} (executable:
     * the default without {@code N}) and {@code -} add nothing, e.g. {@code "RW"},
     * {@code "R-X"} or {@code "RNP"}.
     * Words: {@code READ}, {@code WRITE}, {@code CACHE}, {@code NOEXEC}, {@code PRIV},
     * {@code OLD}, joined by {@code |}, {@code ,}, {@code +} or blanks, e.g.
     * {@code "READ|NOEXEC|PRIV"} or {@code "read,write,cache"}. Case is ignored; the
     * two forms do not mix ({@code "R|NOEXEC"} is refused), and {@link #OLD} has no
     * letter. The empty protection is written {@code "-"}; {@link #toString()}'s
     * {@code "NONE"} is not accepted.
     *
     * @return the protection
     * @throws IllegalArgumentException naming the flag, if a letter or word is unknown
     * @throws NullPointerException if {@code text} is null
     */
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
