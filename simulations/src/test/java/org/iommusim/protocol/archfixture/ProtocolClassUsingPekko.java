package org.iommusim.protocol.archfixture;

import org.apache.pekko.actor.typed.ActorRef;

/** Test fixture: what the architecture rule must reject (a protocol class using Pekko). */
public final class ProtocolClassUsingPekko {
    public ActorRef<String> ref;
}
