package org.iommusim.simulations.report;

/** The pages' inline stylesheet (the charts' is {@link Charts#css}); inline so a page works from a file with no network. */
final class ReportStyle {
    private ReportStyle() {}

    static final String CSS = """
            body { font: 14px/1.45 system-ui, sans-serif; color: #1d2330; background: #f6f7f9; margin: 0; padding: 24px; }
            h1 { margin: 0 0 4px; font-size: 24px; }
            h2 { font-size: 16px; margin: 0 0 8px; }
            h3 { font-size: 15px; margin: 0 0 4px; }
            .question { font-size: 16px; margin: 0 0 12px; color: #394150; }
            dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
            dt { color: #5b6475; }
            dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
            .none { color: #9aa1ad; }
            header, .verdict, .card, figure, .violation { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; }
            header { padding: 16px; margin-bottom: 16px; }
            .verdict { padding: 12px 16px; margin-bottom: 16px; border-left-width: 6px; }
            .verdict.pass { border-left-color: #2da44e; }
            .verdict.fail { border-left-color: #cf222e; }
            .verdict p { margin: 0; }
            .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 16px; }
            .card { padding: 12px 16px; }
            figure { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; }
            .headline { font-size: 15px; margin: 0 0 12px; font-weight: 600; }
            .headline.pass { color: #1a7f37; }
            .headline.fail { color: #cf222e; }
            table { border-collapse: collapse; background: #fff; margin-bottom: 16px; }
            th, td { border: 1px solid #dde1e7; padding: 4px 8px; text-align: left; font-variant-numeric: tabular-nums; }
            .group .count { font-weight: 600; }
            .violations { padding: 0; list-style: none; margin: 0; }
            .violation { padding: 12px 16px; margin-bottom: 8px; border-left: 6px solid #cf222e; }
            .violation p { margin: 4px 0; }
            code { font: 13px ui-monospace, monospace; background: #f0f2f5; padding: 2px 6px; border-radius: 4px; }
            """;
}
