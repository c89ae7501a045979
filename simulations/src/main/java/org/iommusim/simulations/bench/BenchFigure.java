package org.iommusim.simulations.bench;

/**
 * One headline figure of {@code iommu-sim bench}: a measured rate beside the
 * floor it is a ratio to, with the goal the ratio should reach; or an
 * absolute figure (no floor), with a goal of its own or none (0).
 */
public record BenchFigure(String key, String what, Rounds figure, Rounds floor, double goal, String unit) {

    /** A rate beside its floor. */
    public static BenchFigure ratio(String key, String what, Rounds figure, Rounds floor, double goal) {
        return new BenchFigure(key, what, figure, floor, goal, "/s");
    }

    /** An absolute figure with its unit ("/s" for a rate). */
    public static BenchFigure absolute(String key, String what, Rounds figure, String unit) {
        return new BenchFigure(key, what, figure, null, 0, unit);
    }

    /** An absolute figure that should reach {@code goal} (in its unit). */
    public static BenchFigure absolute(String key, String what, Rounds figure, String unit, double goal) {
        return new BenchFigure(key, what, figure, null, goal, unit);
    }

    /** The figure with its spread, in its unit. */
    public String summary() {
        return "/s".equals(unit) ? figure.summary() : String.format(java.util.Locale.ROOT, "%.2f%s", figure.mean(), unit);
    }
    public boolean isRatio() {
        return floor != null;
    }

    public double ratio() {
        return figure.mean() / floor.mean();
    }

    /** Whether there is a goal to meet: every ratio, and an absolute figure given one. */
    public boolean hasGoal() {
        return isRatio() || goal > 0;
    }

    public boolean met() {
        return isRatio() ? ratio() >= goal : figure.mean() >= goal;
    }
}
