package org.lipreg.experiments.cli;

import org.lipreg.training.runner.StopRequest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT), SIGTERM and {@code System.exit} from another thread into a {@link
 * StopRequest}, and holds the JVM's shutdown until the command has stopped at a batch boundary,
 * written {@code summary.json} and said where it stopped (at most {@link #GRACE_SECONDS}). The
 * process then exits with the signal's status (130 for SIGINT, 143 for SIGTERM).
 *
 * <p>A shutdown hook rather than a signal handler: it is standard Java, and it also covers a
 * parent's SIGTERM and an orderly {@code System.exit}.
 */
final class StopOnSignal implements AutoCloseable {

    /** How long shutdown waits for the command; a batch and a test pass take far less. */
    static final long GRACE_SECONDS = 30;

    private final CountDownLatch commandDone = new CountDownLatch(1);
    private final Thread hook;

    private StopOnSignal(StopRequest request) {
        hook = new Thread(() -> {
            request.request();
            try {
                commandDone.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lipreg-stop-on-signal");
    }

    /**
     * Installs the hook until {@link #close}.
     *
     * @param request what the hook requests
     * @return the installed hook
     */
    static StopOnSignal install(StopRequest request) {
        StopOnSignal stop = new StopOnSignal(request);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** The command is done (everything it had to say is printed): let a pending shutdown go on. */
    @Override
    public void close() {
        commandDone.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutdown is under way: the hook is running and now returns.
        }
    }
}
