package org.iommusim.persistence.replay;

/**
 * A journal that cannot be trusted: a gap in an entity's events, a
 * truncated or corrupt log or table file, a counter that disagrees with the
 * events, an unreadable snapshot. The message is {@link JournalDamage#line()}.
 */
public final class JournalDamagedException extends JournalReadException {
    private final transient JournalDamage damage;

    public JournalDamagedException(JournalDamage damage) {
        super(damage.line());
        this.damage = damage;
    }

    public JournalDamagedException(JournalDamage damage, Throwable cause) {
        super(damage.line(), cause);
        this.damage = damage;
    }

    public JournalDamage damage() {
        return damage;
    }
}
