package org.iommusim.protocol.domain;

/** Identity of a domain entity; its journal stream is {@code domain-<value>}. */
public record DomainId(long value) implements Comparable<DomainId> {
    /**
     * Checks the id.
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public DomainId {
        if (value < 0) {
            throw new IllegalArgumentException("domain id must be >= 0, got " + value);
        }
    }

    /**
     * The id with this value.
     * @return a new id
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static DomainId of(long value) {
        return new DomainId(value);
    }

    /**
     * The domain's journal stream name (also its {@code toString}).
     * @return {@code domain-<value>}
     */
    public String persistenceId() {
        return "domain-" + value;
    }

    @Override
    public int compareTo(DomainId o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        return persistenceId();
    }
}
