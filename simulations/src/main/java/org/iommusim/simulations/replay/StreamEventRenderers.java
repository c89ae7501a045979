package org.iommusim.simulations.replay;

import org.iommusim.persistence.stream.StreamEvent;

/**
 * Timeline lines of stream events ({@code smmu-<n>/sid-<sid>}): software's
 * writes to memory, not yet in force: {@code STE_WRITTEN STAGE1 s1cdmax=0 s1dss=TERMINATE},
 * {@code CD_WRITTEN ssid=0x0 asid=0x5->domain-1}.
 */
final class StreamEventRenderers {
    private StreamEventRenderers() {}

    static void register(EventRenderers r) {
        r.register(StreamEvent.SteWritten.class, new EventRenderer<StreamEvent.SteWritten>() {
            @Override
            public String name(StreamEvent.SteWritten e) {
                return "STE_WRITTEN";
            }

            @Override
            public String details(StreamEvent.SteWritten e) {
                return ConfigText.ste(e.ste());
            }

            @Override
            public void json(StreamEvent.SteWritten e, JsonObject out) {
                out.object("ste", ConfigText.steJson(e.ste()));
            }
        });
        r.register(StreamEvent.CdWritten.class, new EventRenderer<StreamEvent.CdWritten>() {
            @Override
            public String name(StreamEvent.CdWritten e) {
                return "CD_WRITTEN";
            }

            @Override
            public String details(StreamEvent.CdWritten e) {
                return "ssid=0x" + Integer.toHexString(e.ssid()) + " " + ConfigText.cd(e.cd());
            }

            @Override
            public void json(StreamEvent.CdWritten e, JsonObject out) {
                out.object("cd", ConfigText.cdJson(e.ssid(), e.cd()));
            }
        });
    }
}
