package org.lipreg.training.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How lipreg writes numbers into its tables (CSV files, Markdown, console tables), one rule per
 * method, so that every table shows a value the same way:
 *
 * <ul>
 *   <li>a whole number is written as an integer: {@code 776}, not {@code 776.0000};
 *   <li>in CSV files, a float widened to double (a learning rate, an engine result) as the
 *       float's shortest text: {@code 0.002}, not {@code 0.00200000009};
 *   <li>a duration (a column named {@code seconds}, {@code mean_seconds}, {@code ms/step}, …) to
 *       the millisecond, or 3 significant digits below 1: {@code 11.761}, not {@code
 *       11.761000370000001};
 *   <li>anything else in CSV files as its shortest exact text, or rounded to the significant
 *       digits its writer keeps ({@code metrics.csv}: 9), without padding zeros; in tables for
 *       people to the writer's digits, zeros kept so that columns line up ({@code 0.8500}).
 * </ul>
 *
 * <p>Non-finite values are written {@code NaN}, {@code Infinity}, {@code -Infinity}; writers that
 * show a missing value otherwise (an empty CSV cell, a dash) check for NaN first.
 */
public final class NumberText {

    /** Plain notation from 1e-7 up to 1e15; scientific ({@code 1.5e-9}) outside. */
    private static final int SMALLEST_PLAIN_EXPONENT = -7;

    private static final int LARGEST_PLAIN_EXPONENT = 15;

    private NumberText() {}

    /**
     * Whether a column holds a duration (seconds or milliseconds), by its name.
     *
     * @param column the column name
     * @return true for names containing {@code seconds}, and {@code ms} or {@code ms/…}
     */
    public static boolean isDuration(String column) {
        return column.contains("seconds") || column.equals("ms") || column.startsWith("ms/");
    }

    /**
     * A CSV cell: a duration to the millisecond, else the value's shortest exact text.
     *
     * @param column the column name
     * @param value the value
     * @return the text
     */
    public static String csv(String column, double value) {
        return isDuration(column) ? duration(value) : exact(value);
    }

    /**
     * A CSV cell rounded to at most {@code digits} significant digits, padding zeros dropped (a
     * duration to the millisecond).
     *
     * @param column the column name
     * @param value the value
     * @param digits the significant digits kept
     * @return the text
     */
    public static String csv(String column, double value, int digits) {
        return isDuration(column) ? duration(value) : significant(value, digits, false);
    }

    /**
     * A cell of a table for people: a duration to the millisecond, else {@code digits} significant
     * digits with their zeros (integers and widened floats as such).
     *
     * @param column the column name
     * @param value the value
     * @param digits the significant digits shown
     * @return the text
     */
    public static String display(String column, double value, int digits) {
        return isDuration(column) ? duration(value) : significant(value, digits, true);
    }

    /**
     * A cell of a table for people with a fixed number of decimals ({@code 0.8500}); a duration
     * to the millisecond.
     *
     * @param column the column (or metric) name
     * @param value the value
     * @param decimals the decimals shown
     * @return the text
     */
    public static String displayDecimals(String column, double value, int decimals) {
        return isDuration(column) ? duration(value) : decimals(value, decimals);
    }

    /**
     * The value's shortest text that reads back to the same double (a widened float: to the
     * same float); whole numbers as integers.
     *
     * @param value the value
     * @return the text
     */
    public static String exact(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (isWhole(value)) {
            return integer(value);
        }
        String shortest = isFloat(value) ? Float.toString((float) value) : Double.toString(value);
        return plain(new BigDecimal(shortest).stripTrailingZeros());
    }

    /**
     * The value rounded to {@code digits} significant digits (never fewer than its integer
     * digits); whole numbers as integers. Without padding zeros, a widened float is written as
     * the float when its shortest text is no longer ({@code 0.002}, not {@code 0.00200000009}
     * at 9 digits); with them, every value shows exactly {@code digits} digits.
     *
     * @param value the value
     * @param digits the significant digits, at least 1
     * @param keepZeros whether to keep the trailing zeros of the digits ({@code 0.5000})
     * @return the text
     */
    public static String significant(double value, int digits, boolean keepZeros) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (isWhole(value)) {
            return integer(value);
        }
        if (!keepZeros && isFloat(value)) {
            BigDecimal asFloat = new BigDecimal(Float.toString((float) value)).stripTrailingZeros();
            if (asFloat.precision() <= digits) {
                return plain(asFloat);
            }
        }
        BigDecimal exact = new BigDecimal(value);
        int integerDigits = Math.max(exact.precision() - exact.scale(), 0);
        int shown = Math.max(digits, integerDigits);
        BigDecimal rounded = exact.round(new MathContext(shown, RoundingMode.HALF_EVEN));
        if (!keepZeros) {
            return plain(rounded.stripTrailingZeros());
        }
        // Rounding never adds digits: pad a short value (0.5) to the digits shown (0.5000).
        return plain(rounded.setScale(rounded.scale() + shown - rounded.precision()));
    }

    /**
     * The value with a fixed number of decimals, zeros kept ({@code 0.8500}); whole numbers as
     * integers.
     *
     * @param value the value
     * @param decimals the decimals shown
     * @return the text
     */
    public static String decimals(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        if (isWhole(value)) {
            return integer(value);
        }
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * A duration: to the millisecond from 1 up, 3 significant digits below; no padding zeros.
     *
     * @param seconds the duration (or milliseconds, for a column in ms)
     * @return the text
     */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return String.valueOf(seconds);
        }
        if (Math.abs(seconds) < 1) {
            return significant(seconds, 3, false);
        }
        BigDecimal rounded = new BigDecimal(seconds).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return plain(rounded);
    }

    /** Whole and small enough to be written exactly as a long. */
    private static boolean isWhole(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15;
    }

    private static String integer(double value) {
        return Long.toString((long) value);
    }

    /** Exactly a float: most likely a float32 value widened to double. */
    private static boolean isFloat(double value) {
        return (double) (float) value == value;
    }

    /** Plain notation for ordinary magnitudes, {@code 1.5e-9} outside them. */
    private static String plain(BigDecimal value) {
        int exponent = value.precision() - value.scale() - 1;
        if (value.signum() == 0 || (exponent >= SMALLEST_PLAIN_EXPONENT && exponent < LARGEST_PLAIN_EXPONENT)) {
            return value.toPlainString();
        }
        BigDecimal mantissa = value.movePointLeft(exponent);
        return mantissa.toPlainString() + "e" + exponent;
    }
}
