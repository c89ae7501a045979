package org.iommusim.persistence.replay;

/**
 * How one kind of entity's pure state machine rebuilds its state: where it
 * starts, how a snapshot becomes a state, how an event changes it. An
 * implementation only delegates to the entity's own state machine (e.g.
 * {@code DomainState.apply}); it never restates a rule.
 */
public interface StateFolder<S> {

    /** The state of an entity with no events. */
    S initial();

    /** The state a snapshot holds; throws {@link JournalReadException} if the snapshot is not of this kind. */
    S restore(Object snapshot, String where);

    /**
     * The state after {@code event} (which may be {@code state} itself, changed,
     * for a mutable state machine). Throws {@link WrongKind} for an event of
     * another kind, and the state machine's own {@link IllegalStateException}
     * or {@link IllegalArgumentException} for one it cannot apply; the replay
     * names the record.
     */
    S apply(S state, Object event);

    /**
     * What a timeline hands the renderer of an event, given the states just
     * before and after it ({@code after} null when the event could not be
     * applied): the state before (the default, for the immutable states), or,
     * for a state machine changed in place, something the folder kept of the
     * event itself.
     */
    default Object context(S before, S after) {
        return before;
    }

    /** An event of another entity kind, e.g. {@code is not a domain event: SmmuChange.Submitted}. */
    final class WrongKind extends RuntimeException {
        public WrongKind(String kind, Object event) {
            super("is not " + kind + " event: " + describe(event));
        }

        private static String describe(Object o) {
            return o instanceof Undecoded u ? "undecodable (" + u.reason() + ")" : o.getClass().getName()
                    .substring(o.getClass().getName().lastIndexOf('.') + 1).replace('$', '.');
        }
    }
}
