package org.lipreg.experiments.certify;

import org.lipreg.experiments.run.RunSetupException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to replace earlier results unless the user asks for it (--overwrite): rerunning a
 * certification must not silently replace a long result (minutes of branch and bound) with a
 * quick one. The check runs before any work, so a refused command has written nothing.
 */
public final class ExistingOutputs {

    /** Files named in the message; the rest are counted. */
    private static final int NAMED = 10;

    private final List<String> existing = new ArrayList<>();

    /** Starts an empty check. */
    public ExistingOutputs() {}

    /**
     * Notes the files of a list that already exist.
     *
     * @param files files the command is about to write
     * @return this
     */
    public ExistingOutputs files(List<Path> files) {
        for (Path f : files) {
            if (Files.exists(f)) {
                existing.add(f.toString());
            }
        }
        return this;
    }

    /**
     * Notes a run's certificate if it already holds figures of the family the command replaces.
     *
     * @param certificate the certificate file
     * @param family the figures' key prefix, e.g. "lipschitz_"
     * @return this
     * @throws RunSetupException if the file exists but cannot be read as a JSON object
     */
    public ExistingOutputs certificate(Path certificate, String family) throws RunSetupException {
        try {
            if (CertifyOutputs.holdsFamily(certificate, family)) {
                existing.add(certificate + " (its " + family + " figures)");
            }
        } catch (java.io.IOException e) {
            throw new RunSetupException(certificate + ": " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * Throws unless nothing noted exists or the user passed --overwrite.
     *
     * @param overwrite whether --overwrite was given
     * @throws RunSetupException naming the existing files
     */
    public void refuseUnless(boolean overwrite) throws RunSetupException {
        if (overwrite || existing.isEmpty()) {
            return;
        }
        String named = String.join(", ", existing.subList(0, Math.min(NAMED, existing.size())))
                + (existing.size() > NAMED ? " and " + (existing.size() - NAMED) + " more" : "");
        throw new RunSetupException((existing.size() == 1 ? "would replace earlier results: " : "would replace "
                + existing.size() + " earlier results: ") + named + "; pass --overwrite to replace them", null);
    }
}
