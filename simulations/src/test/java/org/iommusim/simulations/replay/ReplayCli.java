package org.iommusim.simulations.replay;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.iommusim.simulations.cli.IommuSimCli;
import picocli.CommandLine;

/** Runs {@code iommu-sim} in-process and captures what it prints. */
record ReplayCli(int exitCode, String out, String err) {
    static ReplayCli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = IommuSimCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new ReplayCli(code, out.toString(), err.toString());
    }
}
