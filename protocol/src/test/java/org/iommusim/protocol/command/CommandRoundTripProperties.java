package org.iommusim.protocol.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CommandRoundTripProperties {

    @Provide
    Arbitrary<Command> commands() {
        return CommandArbitraries.any();
    }

    @Property(tries = 5000)
    void everyCommandSurvivesEncodeDecode(@ForAll("commands") Command command) {
        RawCommand raw = command.encode();
        assertEquals(command, CommandCodec.decode(raw));
        assertEquals(raw, RawCommand.fromBytes(raw.toBytes(), 0));
        assertEquals(command.opcode().code(), raw.opcode());
        assertTrue(command.toText().startsWith(command.opcode().name())
                || command.toText().startsWith("CFGI_ALL"), command.toText());
    }


    @Test
    void generatorsCoverAllOpcodes() {
        Set<CommandOpcode> seen = EnumSet.noneOf(CommandOpcode.class);
        CommandArbitraries.any().sampleStream().limit(3000).forEach(c -> seen.add(c.opcode()));
        assertEquals(EnumSet.allOf(CommandOpcode.class), seen);
    }

    /**
     * 100,000 random entries: half fully random, half valid encodings with one
     * random bit flipped, so that many decode and many are refused near the
     * edge of validity. Nothing may escape as an exception, and whatever
     * decodes must re-encode to the same 16 bytes.
     */
    @Test
    void randomEntriesNeverThrowAndDecodedOnesRoundTrip() {
        Random random = new Random(0x5EED);
        List<RawCommand> valid = CommandArbitraries.any().sampleStream().limit(2000).map(Command::encode).toList();
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            long dw0;
            long dw1;
            if (i % 2 == 0) {
                dw0 = random.nextLong();
                dw1 = random.nextLong();
            } else {
                RawCommand base = valid.get(random.nextInt(valid.size()));
                int flip = random.nextInt(128);
                dw0 = flip < 64 ? base.dw0() ^ (1L << flip) : base.dw0();
                dw1 = flip >= 64 ? base.dw1() ^ (1L << (flip - 64)) : base.dw1();
            }
            DecodedCommand d = CommandCodec.decode(dw0, dw1);
            if (d instanceof Command c) {
                decoded++;
                assertEquals(new RawCommand(dw0, dw1), c.encode());
            } else {
                refused++;
                CommandError e = assertInstanceOf(CommandError.class, d);
                assertTrue(!e.reason().isBlank());
            }
        }
        assertTrue(decoded > 10_000 && refused > 10_000, "decoded " + decoded + ", refused " + refused);
    }
}
