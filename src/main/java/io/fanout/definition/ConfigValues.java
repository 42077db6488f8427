package io.fanout.definition;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the value notations of a Fanout config: durations ({@code 250ms}, {@code 2s}, {@code 5m},
 * {@code 1h}), sizes ({@code 100B}, {@code 512KB}, {@code 2MB}, {@code 1GB}), rates ({@code 500/s},
 * {@code 30/m}, {@code 10/h}) and ratios ({@code 20%}).
 *
 * <p>Sizes are 1024-based: {@code 1KB} is 1024 bytes, {@code 1MB} is 1024 KB, {@code 1GB} is 1024 MB. Units are
 * case-sensitive (durations lower case, sizes upper case) and amounts are whole, non-negative numbers, except
 * ratios, which may have decimals ({@code 2.5%}). Every formatter writes what its parser reads back to an equal
 * value, using the largest unit that represents the value exactly.
 */
public final class ConfigValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(B|KB|MB|GB)");
    private static final Pattern RATE = Pattern.compile("(\\d+)/(s|m|h)");
    private static final Pattern RATIO = Pattern.compile("(\\d+(?:\\.\\d+)?)%");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private static final String DURATION_HINT = "use e.g. 250ms, 2s, 5m";
    private static final String SIZE_HINT = "use e.g. 512KB, 2MB, 1GB";
    private static final String RATE_HINT = "use e.g. 500/s, 30/m, 10/h";
    private static final String RATIO_HINT = "use a percentage between 0% and 100%, e.g. 20%";

    private static final long KB = 1024;
    private static final long MB = 1024 * KB;
    private static final long GB = 1024 * MB;

    private ConfigValues() {}

    /** Reads {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} (and {@code 0s}). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw invalid(
                    "duration",
                    text,
                    DIGITS.matcher(text).matches()
                            ? "add a unit, e.g. " + text + "ms or " + text + "s"
                            : DURATION_HINT);
        }
        try {
            long amount = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            d.toMillis(); // formatting works in milliseconds: refuse what it could not hold
            return d;
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid("duration", text, "too large");
        }
    }

    /** Writes a whole number of milliseconds in the largest exact unit: {@code 1500ms}, {@code 2s}, {@code 0s}. */
    public static String formatDuration(Duration duration) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("duration " + duration + " is not a whole, non-negative number of ms");
        }
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Reads a byte size, 1024-based: {@code 100B}, {@code 512KB}, {@code 2MB}, {@code 1GB}. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw invalid(
                    "size",
                    text,
                    DIGITS.matcher(text).matches()
                            ? "add a unit, e.g. " + text + "B or " + text + "KB"
                            : SIZE_HINT + "; 1KB = 1024B");
        }
        try {
            long amount = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "B" -> 1;
                case "KB" -> KB;
                case "MB" -> MB;
                default -> GB;
            };
            return Math.multiplyExact(amount, unit);
        } catch (ArithmeticException | NumberFormatException e) {
            throw invalid("size", text, "too large");
        }
    }

    /** Writes a byte count in the largest exact unit: {@code 2MB}, {@code 1536KB}, {@code 100B}. */
    public static String formatSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size " + bytes);
        }
        if (bytes == 0) {
            return "0B";
        }
        if (bytes % GB == 0) {
            return bytes / GB + "GB";
        }
        if (bytes % MB == 0) {
            return bytes / MB + "MB";
        }
        return bytes % KB == 0 ? bytes / KB + "KB" : bytes + "B";
    }

    /** Reads {@code 500/s}, {@code 30/m}, {@code 10/h}; at least one permit per period. */
    public static Rate parseRate(String text) {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw invalid("rate", text, RATE_HINT);
        }
        long permits;
        try {
            permits = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw invalid("rate", text, "too large");
        }
        if (permits < 1) {
            throw invalid("rate", text, "at least 1 per period; to stop traffic, remove the upstream");
        }
        Duration period = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new Rate(permits, period);
    }

    /** Writes a rate whose period is one second, minute or hour. */
    public static String formatRate(Rate rate) {
        String unit = rate.period().equals(Duration.ofSeconds(1))
                ? "s"
                : rate.period().equals(Duration.ofMinutes(1))
                        ? "m"
                        : rate.period().equals(Duration.ofHours(1)) ? "h" : null;
        if (unit == null || rate.permits() < 1) {
            throw new IllegalArgumentException(
                    "rate " + rate.permits() + " per " + rate.period() + " cannot be written as N/s, N/m or N/h");
        }
        return rate.permits() + "/" + unit;
    }

    /** Reads a percentage between {@code 0%} and {@code 100%} as a share between 0 and 1 ({@code 20%} is 0.2). */
    public static double parseRatio(String text) {
        Matcher m = RATIO.matcher(text);
        if (!m.matches()) {
            throw invalid(
                    "ratio", text, DIGITS.matcher(text).matches() ? "add a percent sign: " + text + "%" : RATIO_HINT);
        }
        BigDecimal percent = new BigDecimal(m.group(1));
        if (percent.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw invalid("ratio", text, RATIO_HINT);
        }
        // decimal arithmetic, so that 20% is exactly the double 0.2 and formats back to 20%
        return percent.movePointLeft(2).doubleValue();
    }

    /** Writes a share between 0 and 1 as a percentage: 0.2 is {@code 20%}, 0.125 is {@code 12.5%}. */
    public static String formatRatio(double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio " + ratio + " is not between 0 and 1");
        }
        return BigDecimal.valueOf(ratio).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    private static InvalidValueException invalid(String what, String text, String hint) {
        return new InvalidValueException("invalid " + what + " '" + text + "'", hint);
    }
}
