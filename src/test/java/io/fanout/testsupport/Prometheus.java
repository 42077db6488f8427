package io.fanout.testsupport;

/** Reads samples out of a {@code /actuator/prometheus} scrape. */
public final class Prometheus {

    private Prometheus() {}

    /** The value of the first sample of {@code metric} whose labels include all {@code labels}, or -1. */
    public static double sample(String scrape, String metric, String... labels) {
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            String labelPart = line.substring(0, line.lastIndexOf('}') + 1);
            boolean all = true;
            for (String l : labels) {
                all &= labelPart.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
