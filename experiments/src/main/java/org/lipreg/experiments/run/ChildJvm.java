package org.lipreg.experiments.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line that runs the lipreg CLI in a new JVM with this JVM's class path. The
 * child gets this process's pid and ends when this process is gone ({@link ParentWatchdog}).
 */
public final class ChildJvm {

    private ChildJvm() {}

    /**
     * Returns {@code java -Dlipreg.parent.pid=<this pid> [jvmOptions] -cp <this class path> LipregCli};
     * append CLI arguments.
     *
     * @param jvmOptions extra JVM options, e.g. {@code -Xmx512m}
     * @return the command, mutable
     */
    public static List<String> lipreg(List<String> jvmOptions) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-D" + ParentWatchdog.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.lipreg.experiments.cli.LipregCli"));
        return command;
    }
}
