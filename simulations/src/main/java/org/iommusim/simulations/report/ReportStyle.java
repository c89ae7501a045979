package org.iommusim.simulations.report;

/** The page's inline stylesheet and its one script; inline so the page works from a file with no network. */
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
            .charts { display: grid; grid-template-columns: repeat(2, 602px); gap: 12px; margin-bottom: 16px; }
            figure { margin: 0; width: 600px; }
            svg.chart { display: block; }
            svg.chart .frame { fill: #fff; }
            svg.chart .title { font-size: 14px; font-weight: 600; fill: #1d2330; }
            svg.chart .axis-label, svg.chart .tick { font-size: 11px; fill: #5b6475; }
            svg.chart .axis { fill: none; stroke: #1d2330; stroke-width: 1; }
            svg.chart .grid { stroke: #e6e9ee; stroke-width: 1; }
            svg.chart .tick-mark { stroke: #1d2330; }
            svg.chart .series { fill: none; stroke: #1f6feb; stroke-width: 1.5; stroke-linejoin: round; }
            svg.chart .series-dot { fill: #1f6feb; }
            svg.chart .bar { fill: #1f6feb; }
            svg.chart .bar:hover { fill: #0b4fc0; }
            svg.chart .empty { font-size: 15px; fill: #5b6475; }
            #chart-stale-window .bar { fill: #cf222e; }
            .violations { padding: 0; list-style: none; margin: 0; }
            .violation { padding: 12px 16px; margin-bottom: 8px; border-left: 6px solid #cf222e; }
            .violation p { margin: 4px 0; }
            code { font: 13px ui-monospace, monospace; background: #f0f2f5; padding: 2px 6px; border-radius: 4px; }
            """;

    /**
     * Proof for a headless browser that the charts rendered: after layout,
     * count the chart elements with a non-empty box that hold at least one
     * drawn mark, and publish the count (and each chart's page box, for
     * checking a screenshot) as data attributes that a DOM dump shows.
     */
    static final String SCRIPT = """
            window.addEventListener('load', function () {
              var rendered = 0;
              document.querySelectorAll('svg.chart').forEach(function (chart) {
                var box = chart.getBoundingClientRect();
                var marks = 0;
                chart.querySelectorAll('path, rect, polyline').forEach(function (mark) {
                  var b = mark.getBBox();
                  if (b.width > 0 || b.height > 0) { marks++; }
                });
                chart.dataset.marks = String(marks);
                chart.dataset.box = [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height]
                  .map(Math.round).join(',');
                if (box.width > 0 && box.height > 0 && marks > 0) { rendered++; }
              });
              document.body.dataset.chartsRendered = String(rendered);
            });
            """;
}
