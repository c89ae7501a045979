package org.iommusim.simulations.validate;

/**
 * One calibration row: a published figure and its source, what the model
 * gives in the same setting, the tolerance the row allows and its verdict.
 *
 * @param what      the figure, with its setting
 * @param published the published value, as the source states it
 * @param source    who measured it (reference section 10)
 * @param model     the model's value, formatted like the published one
 * @param tolerance what counts as agreeing, in words
 * @param pass      whether the model's value is within the tolerance
 */
public record Row(String what, String published, String source, String model, String tolerance, boolean pass) {

    /** A row comparing {@code model} with {@code published} within a relative {@code fraction} either way. */
    static Row relative(String what, double published, double model, double fraction, String unit, String source) {
        boolean pass = Math.abs(model - published) <= fraction * Math.abs(published);
        return new Row(what, format(published, unit), source, format(model, unit),
                String.format("within %.0f%%", 100 * fraction), pass);
    }

    /** A row passing when {@code model} lies in [{@code low}, {@code high}]. */
    static Row between(String what, String published, double model, double low, double high, String unit,
            String source) {
        return new Row(what, published, source, format(model, unit), "between " + format(low, unit) + " and "
                + format(high, unit), model >= low && model <= high);
    }

    static String format(double v, String unit) {
        return switch (unit) {
            case "%" -> String.format("%.0f%%", v);
            case "x" -> String.format("%.1fx", v);
            case "ns" -> String.format("%,.0f ns", v);
            case "us" -> String.format("%,.2f us", v);
            case "K/s" -> String.format("%,.0fK", v / 1e3);
            case "ms" -> String.format("%,.3f ms", v);
            default -> v == Math.rint(v) ? String.format("%,.0f %s", v, unit) : String.format("%,.2f %s", v, unit);
        };
    }
}
