package org.iommusim.simulations.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One chart as inline SVG: a fixed-size frame with title, axes, tick labels
 * and gridlines; the chart types draw their marks into the plot area.
 * Coordinates are printed with one decimal in the root locale, so the same
 * report always gives the same page.
 */
final class ChartFrame {
    static final int WIDTH = 600;
    static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;

    private final StringBuilder sb = new StringBuilder(8192);

    ChartFrame(String id, String title, String xLabel, String yLabel) {
        sb.append("<svg id=\"").append(Html.escape(id)).append("\" class=\"chart\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n")
                .append("<title>").append(Html.escape(title)).append("</title>\n")
                .append("<rect class=\"frame\" x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\"/>\n");
        text("title", WIDTH / 2.0, 24, "middle", title);
        text("axis-label", LEFT + plotWidth() / 2, HEIGHT - 8, "middle", xLabel);
        sb.append("<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(14 ")
                .append(num(TOP + plotHeight() / 2)).append(") rotate(-90)\">").append(Html.escape(yLabel))
                .append("</text>\n");
    }

    static double plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    static double plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    /** The x coordinate of a fraction (0..1) of the plot's width. */
    double x(double fraction) {
        return LEFT + fraction * plotWidth();
    }

    /** The y coordinate of a fraction (0..1) of the plot's height, 0 at the bottom. */
    double y(double fraction) {
        return TOP + (1 - fraction) * plotHeight();
    }

    /** Horizontal gridlines and labels at every tick of the value axis. */
    void yAxis(NiceScale scale, DoubleFunction<String> label) {
        for (double t : scale.ticks()) {
            double y = y(scale.fraction(t));
            path("grid", "M" + num(x(0)) + " " + num(y) + "H" + num(x(1)));
            text("tick", x(0) - 6, y + 4, "end", label.apply(t));
        }
    }

    /** Tick marks and labels along the bottom at the given plot fractions. */
    void xTicks(List<Double> fractions, List<String> labels) {
        for (int i = 0; i < fractions.size(); i++) {
            double x = x(fractions.get(i));
            path("tick-mark", "M" + num(x) + " " + num(y(0)) + "v5");
            text("tick", x, y(0) + 18, "middle", labels.get(i));
        }
    }

    /** The two axis lines, drawn last so marks don't cover them. */
    void axes() {
        path("axis", "M" + num(x(0)) + " " + num(y(1)) + "V" + num(y(0)) + "H" + num(x(1)));
    }

    /** Said inside the plot when there is nothing to draw, so an empty chart is not mistaken for a broken one. */
    void emptyMessage(String message) {
        text("empty", x(0.5), y(0.5), "middle", message);
    }

    void path(String cssClass, String d) {
        sb.append("<path class=\"").append(cssClass).append("\" d=\"").append(d).append("\"/>\n");
    }

    void rect(String cssClass, double x, double y, double w, double h, String tooltip) {
        sb.append("<rect class=\"").append(cssClass).append("\" x=\"").append(num(x)).append("\" y=\"")
                .append(num(y)).append("\" width=\"").append(num(w)).append("\" height=\"").append(num(h))
                .append("\"><title>").append(Html.escape(tooltip)).append("</title></rect>\n");
    }

    void circle(String cssClass, double cx, double cy, double r) {
        sb.append("<circle class=\"").append(cssClass).append("\" cx=\"").append(num(cx)).append("\" cy=\"")
                .append(num(cy)).append("\" r=\"").append(num(r)).append("\"/>\n");
    }

    void text(String cssClass, double x, double y, String anchor, String content) {
        sb.append("<text class=\"").append(cssClass).append("\" x=\"").append(num(x)).append("\" y=\"")
                .append(num(y)).append("\" text-anchor=\"").append(anchor).append("\">")
                .append(Html.escape(content)).append("</text>\n");
    }

    String close() {
        return sb.append("</svg>").toString();
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
