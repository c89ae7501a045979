package org.iommusim.persistence.replay;

/**
 * Stands in for a payload this build cannot decode (another serializer, an
 * unknown manifest, a corrupt record), so listings can still show it and say why.
 */
public record Undecoded(int serializerId, String manifest, int size, String reason) {}
