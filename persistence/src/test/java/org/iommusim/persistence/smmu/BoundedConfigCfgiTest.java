package org.iommusim.persistence.smmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.iommusim.protocol.capability.CacheShape;
import org.iommusim.protocol.capability.SmmuCapabilities;
import org.iommusim.protocol.capability.TcuCaches;
import org.iommusim.protocol.command.CfgiCd;
import org.iommusim.protocol.command.CfgiSte;
import org.iommusim.protocol.command.CmdSync;
import org.iommusim.protocol.command.TlbiNhAll;
import org.iommusim.protocol.config.Cd;
import org.iommusim.protocol.config.S1Dss;
import org.iommusim.protocol.config.Ste;
import org.iommusim.protocol.domain.DomainId;
import org.junit.jupiter.api.Test;

/**
 * With the TCU's configuration cache bounded, a CFGI is an invalidation the
 * TCU applies (numbered on the invalidation port, waited for by CMD_SYNC) and
 * loads nothing into the SMMU's own configuration cache; unbounded, nothing
 * changes.
 */
class BoundedConfigCfgiTest {
    private static final SmmuCapabilities BOUNDED = SmmuCapabilities.defaults().toBuilder()
            .tcu(TcuCaches.defaults().withConfigCache(new CacheShape(64, 4))).build();

    @Test
    void aCfgiIsIssuedOnThePortAndASyncWaitsForItsAcknowledgement() {
        SmmuFixture f = new SmmuFixture(BOUNDED);
        assertTrue(f.state.configBounded());
        f.writeSte(7, Ste.stage1(0, S1Dss.SSID0));
        f.writeCd(7, 0, Cd.of(5, DomainId.of(1)));
        f.ackedThrough = 0;
        assertNull(f.submit(new CfgiSte(7, false), new TlbiNhAll(0), new CfgiCd(7, 0, true), CmdSync.poll()));
        assertTrue(f.consume(), "the sync waits for the three invalidations");
        assertEquals(3, f.state.invalidationsIssued());
        List<IssuedInvalidation> open = f.state.unsynced();
        assertEquals(List.of(1L, 2L, 3L), open.stream().map(IssuedInvalidation::seq).toList());
        assertInstanceOf(CfgiSte.class, open.get(0).command());
        assertNull(open.get(0).tlbi(), "a CFGI is not a TLBI: the TBUs acknowledge it without applying anything");
        assertEquals(new TlbiNhAll(0), open.get(1).tlbi());
        assertEquals(Ste.invalid(), f.effective(7).ste(), "nothing is loaded into the SMMU's configuration cache");
        assertTrue(f.state.config().streams().isEmpty());
        f.ackedThrough = 2;
        assertTrue(f.consume(), "still one CFGI unacknowledged");
        f.ackedThrough = 3;
        assertFalse(f.consume());
        assertEquals(1, f.state.syncsCompleted());
        assertTrue(f.state.unsynced().isEmpty());
        assertEquals(f.state, f.replay(), "replay numbers the CFGIs as the consumer did");
    }

    @Test
    void unboundedACfgiLoadsAndIsNotAnInvalidationOfThePort() {
        SmmuFixture f = new SmmuFixture(SmmuCapabilities.defaults());
        assertFalse(f.state.configBounded());
        f.writeSte(7, Ste.bypass());
        f.ackedThrough = 0;
        assertNull(f.submit(new CfgiSte(7, false), CmdSync.poll()));
        assertEquals(0, f.state.invalidationsIssued());
        assertEquals(1, f.state.syncsCompleted(), "no TLBI: the sync does not wait");
        assertEquals(Ste.bypass(), f.effective(7).ste());
    }

    /** The consumer and replay number invalidations by opcode; that is every TLBI command, and the CFGIs when bounded. */
    @Test
    void theRuleByOpcodeIsTheRuleByCommandType() {
        int commands = 0;
        for (org.iommusim.protocol.command.CommandOpcode op : org.iommusim.protocol.command.CommandOpcode.values()) {
            for (long fields : new long[] {0, 1L << 32}) {
                if (!(org.iommusim.protocol.command.CommandCodec.decode(op.code() | fields, 0)
                        instanceof org.iommusim.protocol.command.Command c)) {
                    continue;
                }
                commands++;
                for (SmmuCapabilities caps : List.of(SmmuCapabilities.defaults(), BOUNDED)) {
                    SmmuState state = new SmmuFixture(caps).state;
                    boolean byType = c instanceof org.iommusim.protocol.command.TlbiCommand
                            || (state.configBounded() && org.iommusim.persistence.tcu.ConfigInvalidation.applies(c));
                    assertEquals(byType, state.issues(c), c + " with " + (state.configBounded() ? "bounded" : "unbounded")
                            + " configuration cache");
                }
            }
        }
        assertTrue(commands >= 20, "decoded " + commands + " commands");
    }
}
