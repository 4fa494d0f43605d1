package org.lipreg.training.runner;

import org.lipreg.training.internal.AtomicFiles;
import org.lipreg.training.io.NumberText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code steps.csv}: the training loss within long epochs, a row after every N batches of an
 * epoch, with the columns {@link #HEADER}:
 *
 * <ul>
 *   <li>{@code epoch} (from 1) and {@code step}: the global index (from 1) of the row's last batch;
 *   <li>{@code train_loss}: the plain mean of the losses of the row's N batches (the last N of the
 *       epoch so far; a window never spans two epochs, and the batches after an epoch's last full
 *       window have no row: {@code metrics.csv} has the whole epoch);
 *   <li>{@code learning_rate}: the rate of the row's last update;
 *   <li>{@code seconds}: wall time since the epoch began.
 * </ul>
 *
 * <p>Rows are appended as they are made, each line with one write straight to the file (no buffer
 * in between), so a reader sees whole rows only; they are not forced to disk one by one (the
 * checkpoints are what survive a crash). A resumed run starts at an epoch's beginning: the rows
 * after its checkpoint's epoch are dropped and written again, so that the file equals that of a
 * run that never stopped, seconds aside.
 */
public final class StepsCsv implements AutoCloseable {

    /** Name of the file in the run directory. */
    public static final String FILE = "steps.csv";

    /** The header row. */
    public static final String HEADER = "epoch,step,train_loss,learning_rate,seconds";

    /** As in metrics.csv: enough digits to compare a resumed run's file with another's. */
    private static final int DIGITS = 9;

    private final FileChannel channel;
    private final int every;
    private double windowSum;
    private int windowSize;
    private long epochStart;

    private StepsCsv(FileChannel channel, int every) {
        this.channel = channel;
        this.every = every;
    }

    /**
     * Opens the file of a run for appending: with only its header for a new run, or with the rows
     * of the epochs up to the one a resumed run continues after.
     *
     * @param file the CSV file
     * @param every the batches per row, at least 1
     * @param keepThroughEpoch the last epoch whose rows are kept (0 for a new run)
     * @return the open file
     * @throws IOException if the file cannot be read or written, or holds rows it did not write
     */
    public static StepsCsv open(Path file, int every, int keepThroughEpoch) throws IOException {
        StringBuilder kept = new StringBuilder(HEADER).append('\n');
        if (keepThroughEpoch > 0 && Files.exists(file)) {
            kept.setLength(0);
            kept.append(rowsThrough(file, keepThroughEpoch));
        }
        AtomicFiles.writeString(file, kept.toString());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new StepsCsv(channel, every);
    }

    /** The header and the rows of epochs up to {@code epoch}; a last line cut short is dropped. */
    private static String rowsThrough(Path file, int epoch) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = List.of(text.split("\n", -1));
        if (!lines.get(0).equals(HEADER)) {
            throw new IOException(file + ": line 1 is not the header " + HEADER + " (got '" + lines.get(0) + "')");
        }
        StringBuilder kept = new StringBuilder(HEADER).append('\n');
        // The last element follows the last newline: empty, or a row whose write was cut short.
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            int rowEpoch;
            try {
                rowEpoch = Integer.parseInt(line.substring(0, Math.max(line.indexOf(','), 0)));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + " does not start with an epoch: '" + line + "'", e);
            }
            if (rowEpoch <= epoch) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    /** An epoch's training pass begins: a new window, a new clock. */
    void epochStarted() {
        windowSum = 0;
        windowSize = 0;
        epochStart = System.nanoTime();
    }

    /**
     * A batch finished; after every {@code every}-th batch of the epoch a row is written.
     *
     * @param epoch the 1-based epoch
     * @param step the global index (from 1) of the batch
     * @param loss the batch's loss
     * @param learningRate the rate of the batch's update
     * @throws IOException if writing fails
     */
    void batchFinished(int epoch, long step, float loss, float learningRate) throws IOException {
        windowSum += loss;
        windowSize++;
        if (windowSize < every) {
            return;
        }
        String row = epoch + "," + step + "," + NumberText.csv("train_loss", windowSum / windowSize, DIGITS) + ","
                + NumberText.csv("learning_rate", learningRate, DIGITS) + ","
                + NumberText.csv("seconds", (System.nanoTime() - epochStart) / 1e9, DIGITS) + "\n";
        ByteBuffer bytes = ByteBuffer.wrap(row.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        windowSum = 0;
        windowSize = 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
