package org.lipreg.rl.sac;

import org.lipreg.training.runner.CheckpointStore;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checkpoints of an off-policy loop ({@link SacTraining}, {@code MbpoTraining}), one per
 * evaluation, in a {@link CheckpointStore} (atomic files with a checksum, the newest kept) and
 * numbered by the environment step. A checkpoint holds a header — which loop, its seed, the steps
 * taken, the seconds spent, the learning curve so far — and then the loop's own parts (agent,
 * buffers, environment, model) in the order that loop writes them. The random streams need no
 * saving: {@link LoopRandom} seeds them afresh at every evaluation.
 */
public final class LoopCheckpoints {

    /**
     * The format's version. 2: SAC's optimizers keep one state per network (its flat parameter
     * array), where version 1 kept one per parameter array, so version-1 checkpoints are refused.
     */
    private static final int VERSION = 2;

    private final CheckpointStore store;
    private final String loop;
    private final long seed;
    private final int totalSteps;

    /** Writes a loop's own parts. */
    @FunctionalInterface
    public interface PartsWriter {
        /**
         * Writes the parts.
         *
         * @param out the checkpoint stream
         * @throws IOException if writing fails
         */
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a loop's own parts back into its objects. */
    @FunctionalInterface
    public interface PartsReader {
        /**
         * Reads the parts.
         *
         * @param in the checkpoint stream
         * @throws IOException if the parts do not fit the loop
         */
        void read(DataInputStream in) throws IOException;
    }

    /**
     * Where a resumed loop continues.
     *
     * @param step environment steps already taken
     * @param seconds training time already spent
     * @param curve the evaluations made so far
     */
    public record Resumed(int step, double seconds, List<EvaluationPoint> curve) {}

    /**
     * Creates the checkpoints of one loop.
     *
     * @param store where they are kept
     * @param loop the loop's name ("sac", "mbpo"): a checkpoint of another loop is refused
     * @param seed the run's seed: a checkpoint of another seed is refused
     * @param totalSteps the run's length
     */
    public LoopCheckpoints(CheckpointStore store, String loop, long seed, int totalSteps) {
        this.store = store;
        this.loop = loop;
        this.seed = seed;
        this.totalSteps = totalSteps;
    }

    /**
     * Writes the checkpoint of an evaluation.
     *
     * @param step the environment steps taken
     * @param seconds the training time spent
     * @param curve the evaluations so far, this one included
     * @param parts the loop's own parts
     * @throws IOException if writing fails (older checkpoints stay)
     */
    public void write(int step, double seconds, List<EvaluationPoint> curve, PartsWriter parts) throws IOException {
        store.write(step, out -> {
            out.writeInt(VERSION);
            out.writeUTF(loop);
            out.writeLong(seed);
            out.writeInt(step);
            out.writeDouble(seconds);
            out.writeInt(curve.size());
            for (EvaluationPoint p : curve) {
                out.writeLong(p.step());
                for (double v : new double[] {p.meanReturn(), p.stdReturn(), p.seconds(), p.alpha(), p.criticLoss(),
                    p.criticLipschitzProduct(), p.criticGradientMax()}) {
                    out.writeDouble(v);
                }
            }
            parts.write(out);
        });
    }

    /**
     * Returns the learning curve in the newest intact checkpoint, for a runner that rewrites its
     * rows before the loop resumes (the loop itself reads the checkpoint again, whole).
     *
     * @param store the checkpoints
     * @return the evaluations it holds, or empty if there is no intact checkpoint
     * @throws IOException naming the checkpoint if its header is malformed
     */
    public static Optional<List<EvaluationPoint>> newestCurve(CheckpointStore store) throws IOException {
        Optional<CheckpointStore.Loaded> loaded = store.loadLatest();
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        try (DataInputStream in = loaded.get().open()) {
            readVersion(in);
            in.readUTF();
            in.readLong();
            in.readInt();
            in.readDouble();
            return Optional.of(readCurve(in));
        } catch (IOException e) {
            throw new IOException("checkpoint " + loaded.get().file() + ": " + message(e), e);
        }
    }

    /**
     * Reads the newest intact checkpoint, if there is one, into the loop's objects.
     *
     * @param parts reads the loop's own parts
     * @return where to continue, or empty to start from the beginning
     * @throws IOException naming the checkpoint if it does not belong to this loop
     */
    public Optional<Resumed> resume(PartsReader parts) throws IOException {
        Optional<CheckpointStore.Loaded> loaded = store.loadLatest();
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        try (DataInputStream in = loaded.get().open()) {
            readVersion(in);
            String savedLoop = in.readUTF();
            long savedSeed = in.readLong();
            if (!savedLoop.equals(loop) || savedSeed != seed) {
                throw new IOException("written by a " + savedLoop + " run with seed " + savedSeed + ", this is a "
                        + loop + " run with seed " + seed);
            }
            int step = in.readInt();
            if (step < 1 || step > totalSteps || step != loaded.get().epoch()) {
                throw new IOException("holds step " + step + " of a run of " + totalSteps + " steps");
            }
            double seconds = in.readDouble();
            List<EvaluationPoint> curve = readCurve(in);
            parts.read(in);
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes left over after the loop's state");
            }
            return Optional.of(new Resumed(step, seconds, curve));
        } catch (IOException e) {
            throw new IOException("checkpoint " + loaded.get().file() + ": " + message(e), e);
        }
    }

    private static void readVersion(DataInputStream in) throws IOException {
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("format version " + version + " is not supported (this lipreg reads version "
                    + VERSION + (version < VERSION ? "; the checkpoint is from an earlier lipreg, whose agent state it"
                    + " cannot read: start the run afresh, without --resume, or in a new run directory)" : ")"));
        }
    }

    private static List<EvaluationPoint> readCurve(DataInputStream in) throws IOException {
        int rows = in.readInt();
        List<EvaluationPoint> curve = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            curve.add(new EvaluationPoint(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble()));
        }
        return List.copyOf(curve);
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
