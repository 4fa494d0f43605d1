package org.lipreg.experiments.cli;

import org.lipreg.experiments.config.ConfigException;
import org.lipreg.experiments.run.ParentWatchdog;
import org.lipreg.experiments.run.RunSetupException;
import org.lipreg.training.io.RunDirectoryLockedException;
import org.lipreg.training.runner.NonFiniteLossException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lipreg} command line. */
@Command(
        name = "lipreg",
        mixinStandardHelpOptions = true,
        versionProvider = LipregCli.Version.class,
        description = "Train networks with a controlled Lipschitz constant and certify them.",
        subcommands = {
            QuickstartCommand.class,
            TrainCommand.class,
            ConfigCommand.class,
            SweepCommand.class,
            ReportCommand.class,
            BenchCommand.class,
            ExperimentCommand.class,
            CertifyCommand.class,
            CounterfactualCommand.class,
            RlCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LipregCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Runs the CLI and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // A sweep's child run ends with its sweep, even one killed by kill -9.
        ParentWatchdog.startIfAsked(ExitCodes.FAILURE);
        System.exit(execute(args));
    }

    /**
     * Runs the CLI and returns its exit code (used by tests).
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.err, true), args);
    }

    /**
     * Runs the CLI with error messages going to the given writer (used by tests).
     *
     * @param err where error messages go
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(java.io.PrintWriter err, String... args) {
        return execute(new java.io.PrintWriter(System.out, true), err, args);
    }

    /**
     * Runs the CLI with usage and help going to {@code out} and errors to {@code err}.
     *
     * @param out where usage and help go
     * @param err where error messages go
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        // The engine never downloads anything; only a dataset the user asks for may (DjlDatasets).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(new LipregCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(LipregCli::handle);
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException c) {
            cmd.getErr().println("lipreg: invalid config:");
            for (String problem : c.located()) {
                cmd.getErr().println("  " + problem);
            }
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof RunSetupException || e instanceof RunDirectoryLockedException) {
            cmd.getErr().println("lipreg: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof NonFiniteLossException) {
            cmd.getErr().println("lipreg: " + e.getMessage());
            return ExitCodes.DIVERGED;
        }
        cmd.getErr().println("lipreg: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (System.getenv("LIPREG_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("(set LIPREG_DEBUG=1 for the stack trace)");
        }
        return ExitCodes.FAILURE;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LipregCli.class.getPackage().getImplementationVersion();
            return new String[] {"lipreg " + (v == null ? "(development build)" : v)};
        }
    }
}
