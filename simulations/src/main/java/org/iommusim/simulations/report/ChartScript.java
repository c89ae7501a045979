package org.iommusim.simulations.report;

/**
 * The pages' scripts: {@link #ERRORS} (first in the head) counts script
 * errors for headless checks; {@link #DRAW} (last) draws every chart of the
 * page's {@code chart-data} with uPlot and marks what it drew.
 */
final class ChartScript {
    private ChartScript() {}

    /**
     * Counts uncaught errors and console errors on the root element
     * ({@code data-console-errors}, the messages in {@code data-console-messages}),
     * so a DOM dump shows whether anything went wrong.
     */
    static final String ERRORS = """
            (function () {
              var messages = [];
              function note(m) {
                messages.push(String(m));
                document.documentElement.dataset.consoleErrors = String(messages.length);
                document.documentElement.dataset.consoleMessages = messages.join(' | ');
              }
              document.documentElement.dataset.consoleErrors = '0';
              window.addEventListener('error', function (e) { note(e.message); });
              window.addEventListener('unhandledrejection', function (e) { note(e.reason); });
              var error = console.error;
              console.error = function () { note(Array.prototype.join.call(arguments, ' ')); error.apply(console, arguments); };
            })();
            """;

    static final String CSS = """
            .charts { display: grid; grid-template-columns: repeat(2, 602px); gap: 12px; margin-bottom: 16px; }
            figure { margin: 0; width: 600px; padding: 8px 0 4px; }
            figcaption { font-size: 14px; font-weight: 600; padding: 0 12px 4px; }
            .chart { position: relative; min-height: 300px; }
            .chart .empty { position: absolute; left: 0; right: 0; top: 110px; text-align: center; color: #5b6475;
              font-size: 15px; pointer-events: none; }
            .u-legend { font-size: 12px; }
            """;

    /**
     * Draws each chart: time axes in the unit that suits the largest value
     * (ns, µs, ms, s), fractions as %, histogram buckets as equal-width bars
     * labelled by their upper bound; several series with different times are
     * joined on one axis (uPlot.join). Then marks each chart for headless
     * checks: {@code data-points} (points drawn), {@code data-x-label},
     * {@code data-y-label}, {@code data-box} (the plot's page box
     * {@code x,y,width,height}), and the body's {@code data-charts-rendered},
     * the charts whose canvas laid out with both axes labelled.
     */
    static final String DRAW = """
            (function () {
              var specs = JSON.parse(document.getElementById('chart-data').textContent);
              var times = [[1e9, 's'], [1e6, 'ms'], [1e3, '\\u00b5s'], [1, 'ns']];
              function unitFor(unit, max) {
                if (unit === 'ns') {
                  for (var i = 0; i < times.length; i++) {
                    if (max >= times[i][0] || i === times.length - 1) { return { div: times[i][0], name: times[i][1] }; }
                  }
                }
                if (unit === 'fraction') { return { div: 0.01, name: '%' }; }
                return { div: 1, name: unit };
              }
              function fmt(v) {
                if (v == null || isNaN(v)) { return '-'; }
                var a = Math.abs(v);
                return a >= 100 || a === Math.round(a) ? String(Math.round(v * 10) / 10) : v.toPrecision(3);
              }
              function draw(el, spec) {
                var points = 0, xmax = 0, ymax = 0;
                spec.series.forEach(function (s) {
                  points += s.x.length;
                  s.x.forEach(function (v) { xmax = Math.max(xmax, v); });
                  s.y.forEach(function (v) { if (v != null) { ymax = Math.max(ymax, v); } });
                });
                var bars = spec.kind === 'bars';
                var named = bars && spec.series.length > 0 && spec.series[0].names;
                var xu = named ? { div: 1, name: spec.xUnit } : unitFor(spec.xUnit, xmax);
                var yu = unitFor(spec.yUnit, ymax);
                var xLabel = spec.xLabel + ' (' + xu.name + ')';
                var yLabel = spec.yLabel + ' (' + yu.name + ')';
                var cats = [];
                var data;
                if (bars) {
                  var s0 = spec.series[0] || { x: [], y: [] };
                  cats = named ? s0.names : s0.x.map(function (v) { return fmt(v / xu.div); });
                  data = [s0.x.map(function (v, i) { return i; })];
                  spec.series.forEach(function (s) { data.push(s.y.map(function (v) { return v == null ? null : v / yu.div; })); });
                } else {
                  var tables = spec.series.map(function (s) {
                    return [s.x.map(function (v) { return v / xu.div; }),
                      s.y.map(function (v) { return v == null ? null : v / yu.div; })];
                  });
                  data = tables.length === 1 ? tables[0] : tables.length === 0 ? [[]] : uPlot.join(tables);
                }
                var series = [{ label: bars ? spec.xLabel : xLabel,
                  value: function (u, v) { return v == null ? '-' : bars ? (cats[v] || '') + (named ? '' : ' ' + xu.name) : fmt(v) + ' ' + xu.name; } }];
                spec.series.forEach(function (s, i) {
                  var o = { label: s.label, stroke: s.color, width: 1.5, spanGaps: true,
                    value: function (u, v) { return v == null ? '-' : fmt(v) + ' ' + yu.name; } };
                  if (bars) {
                    o.fill = s.color; o.points = { show: false };
                    o.paths = uPlot.paths.bars({ size: [0.7, 80], align: 0 });
                  } else if (spec.kind === 'step') {
                    o.paths = uPlot.paths.stepped({ align: 1 });
                  } else if (spec.kind === 'points') {
                    o.paths = function () { return null; };
                    o.points = { show: true, size: 6, fill: s.color, stroke: s.color };
                  }
                  series.push(o);
                });
                var scales = { x: { time: false } };
                if (bars) { scales.x.range = function () { return [-0.5, Math.max(1, cats.length) - 0.5]; }; }
                else if (points === 0) { scales.x.range = function () { return [0, 1]; }; }
                scales.y = spec.yUnit === 'fraction' ? { range: [0, 100] }
                  : { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } };
                var axes = [
                  { label: xLabel, stroke: '#1d2330', grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#1d2330', width: 1 } },
                  { label: yLabel, stroke: '#1d2330', size: 64, grid: { stroke: '#e6e9ee', width: 1 }, ticks: { stroke: '#1d2330', width: 1 } }
                ];
                if (bars) {
                  axes[0].incrs = [1, 2, 5, 10, 20, 50];
                  axes[0].values = function (u, splits) { return splits.map(function (i) { return cats[i] == null ? '' : cats[i]; }); };
                }
                var opts = { width: el.clientWidth || 600, height: 300, series: series, scales: scales, axes: axes,
                  cursor: { drag: { x: true, y: false } }, legend: { live: true } };
                var plot = new uPlot(opts, data, el);
                if (points === 0) {
                  var empty = document.createElement('div');
                  empty.className = 'empty';
                  empty.textContent = spec.empty;
                  el.appendChild(empty);
                }
                el.dataset.points = String(points);
                el.dataset.series = String(spec.series.length);
                el.dataset.xLabel = xLabel;
                el.dataset.yLabel = yLabel;
                return plot;
              }
              // pixels of the canvas in one of the series' colours: the data was drawn, not just the frame
              function ink(canvas, colours) {
                if (!canvas) { return 0; }
                var rgb = colours.filter(function (c) { return typeof c === 'string' && c[0] === '#'; }).map(function (c) {
                  return [parseInt(c.substr(1, 2), 16), parseInt(c.substr(3, 2), 16), parseInt(c.substr(5, 2), 16)];
                });
                var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                var n = 0;
                for (var i = 0; i < px.length; i += 4) {
                  if (px[i + 3] < 128) { continue; }
                  for (var k = 0; k < rgb.length; k++) {
                    if (Math.abs(px[i] - rgb[k][0]) + Math.abs(px[i + 1] - rgb[k][1]) + Math.abs(px[i + 2] - rgb[k][2]) < 60) { n++; break; }
                  }
                }
                return n;
              }
              var drawn = [];
              specs.forEach(function (spec) {
                var el = document.getElementById(spec.id);
                if (!el) { console.error('no element for chart ' + spec.id); return; }
                try { drawn.push([el, draw(el, spec)]); } catch (e) { console.error(spec.id + ': ' + e); }
              });
              window.addEventListener('load', function () {
                var rendered = 0;
                drawn.forEach(function (d) {
                  var el = d[0];
                  var plot = d[1];
                  var canvas = el.querySelector('canvas');
                  var over = el.querySelector('.u-over');
                  var box = (over || el).getBoundingClientRect();
                  el.dataset.box = [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height]
                    .map(Math.round).join(',');
                  // uPlot draws axes on the canvas: count the axes shown with a label that names a unit
                  var labelled = plot.axes.filter(function (a) { return /\\(.+\\)$/.test(a.label || ''); }).length;
                  el.dataset.axisLabels = String(labelled);
                  el.dataset.inked = String(ink(canvas, plot.series.slice(1).map(function (s) { return s._stroke || s.stroke; })));
                  if (canvas && canvas.width > 0 && canvas.height > 0 && labelled === 2) { rendered++; }
                });
                document.body.dataset.chartsRendered = String(rendered);
              });
            })();
            """;
}
