package org.lipreg.rl.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Per-column standardization {@code (x − mean) / std}, fitted on rows of a row-major array; a
 * constant column gets std 1 so that it passes through centred rather than dividing by zero.
 */
public final class Standardizer {

    private final float[] mean;
    private final float[] std;

    private Standardizer(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Fits the statistics.
     *
     * @param rows row-major values
     * @param width the number of columns
     * @return the standardizer
     */
    public static Standardizer fit(float[] rows, int width) {
        int n = rows.length / width;
        if (n < 1 || rows.length % width != 0) {
            throw new IllegalArgumentException("need at least one row of " + width + " values, got " + rows.length);
        }
        double[] sum = new double[width];
        double[] squares = new double[width];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < width; c++) {
                double v = rows[r * width + c];
                sum[c] += v;
                squares[c] += v * v;
            }
        }
        float[] mean = new float[width];
        float[] std = new float[width];
        for (int c = 0; c < width; c++) {
            double m = sum[c] / n;
            double s = Math.sqrt(Math.max(squares[c] / n - m * m, 0));
            mean[c] = (float) m;
            std[c] = s < 1e-6 ? 1f : (float) s;
        }
        return new Standardizer(mean, std);
    }

    /**
     * Maps a standardized value of a column back: {@code z · std + mean}.
     *
     * @param z the standardized value
     * @param column the column
     * @return the value in original units
     */
    public double invert(double z, int column) {
        return z * std[column] + mean[column];
    }

    /**
     * Returns a column's standard deviation (the factor that scales standardized spreads back).
     *
     * @param column the column
     * @return std
     */
    public double scale(int column) {
        return std[column];
    }

    /**
     * Standardizes rows in place.
     *
     * @param rows row-major values with this standardizer's width
     * @return {@code rows}
     */
    public float[] apply(float[] rows) {
        int width = mean.length;
        for (int i = 0; i < rows.length; i++) {
            int c = i % width;
            rows[i] = (rows[i] - mean[c]) / std[c];
        }
        return rows;
    }

    /**
     * Writes the statistics, for a checkpoint.
     *
     * @param out the checkpoint stream
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(mean.length);
        for (int c = 0; c < mean.length; c++) {
            out.writeFloat(mean[c]);
            out.writeFloat(std[c]);
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param in the checkpoint stream
     * @param width the expected number of columns
     * @return the standardizer
     * @throws IOException if the stream holds another width
     */
    public static Standardizer read(DataInputStream in, int width) throws IOException {
        int n = in.readInt();
        if (n != width) {
            throw new IOException("standardizer of " + n + " columns where the model has " + width);
        }
        float[] mean = new float[n];
        float[] std = new float[n];
        for (int c = 0; c < n; c++) {
            mean[c] = in.readFloat();
            std[c] = in.readFloat();
        }
        return new Standardizer(mean, std);
    }
}
