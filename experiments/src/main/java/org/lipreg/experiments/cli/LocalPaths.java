package org.lipreg.experiments.cli;

import org.lipreg.experiments.run.RunSetupException;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Refuses Hadoop FileSystem URIs (hdfs://, s3a://, file://…) where lipreg writes through the local
 * file system: there a URI would silently become a directory named "hdfs:" in the working
 * directory. Windows drive letters (C:/…) are paths, not URIs.
 */
final class LocalPaths {

    /** A URI scheme of two or more characters, then ':/' (a Path keeps one of the two slashes). */
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:/.*");

    private LocalPaths() {}

    /**
     * Checks that an option's value is a path of the local file system.
     *
     * @param option the option, e.g. "--out"
     * @param path its value
     * @throws RunSetupException naming the option when it is a URI
     */
    static void require(String option, Path path) throws RunSetupException {
        if (path != null && URI_SCHEME.matcher(path.toString().replace('\\', '/')).matches()) {
            throw new RunSetupException(option + " " + path.toString().replaceFirst(":/", "://") + ": a file system URI;"
                    + " lipreg writes run directories through the local file system only (HDFS and S3A are not"
                    + " supported yet): give a directory, on a cluster one that every worker mounts at the same"
                    + " path (NFS)", null);
        }
    }
}
