package org.iommusim.protocol.config;

/**
 * STE.S1DSS: what happens to a transaction without a SubstreamID on a
 * stream whose CD table has substreams (S1CDMax &gt; 0).
 */
public enum S1Dss {
    /** Terminate with F_STREAM_DISABLED. */
    TERMINATE,
    /** Bypass stage 1 (stage 2 still applies when configured). */
    BYPASS,
    /** Use the CD of SubstreamID 0, as Linux does for PASID-capable devices. */
    SSID0
}
