package org.lipreg.experiments.sweep;

import org.lipreg.experiments.certify.PointCluster;
import org.lipreg.experiments.run.RunSetupException;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Creates the Spark sweep backend and certification cluster, loading Spark only then. The
 * runnable jar keeps Spark's jars in {@code lib/spark/} beside it, off its Class-Path, so that
 * commands without {@code --spark} never open them; here a class loader over those jars defines
 * Spark and lipreg's own Spark classes (packages {@code org.lipreg.experiments.sweep.spark} and
 * {@code org.lipreg.experiments.certify.spark}), and everything else comes from the application.
 * Where Spark is already on the class path (spark-submit, the tests), it is used.
 */
public final class SparkLoader {

    /** lipreg's classes that use Spark: defined by the Spark loader, not the application's. */
    private static final List<String> SPARK_PACKAGES =
            List.of("org.lipreg.experiments.sweep.spark.", "org.lipreg.experiments.certify.spark.");

    private static final String BACKEND = "org.lipreg.experiments.sweep.spark.SparkSweepBackend";

    private static final String POINT_CLUSTER = "org.lipreg.experiments.certify.spark.SparkPointCluster";

    /** Spark's jars, beside the lipreg jar. */
    static final String SPARK_LIB = "lib/spark";

    private SparkLoader() {}

    /**
     * Creates the Spark backend of a sweep.
     *
     * @param master the master URL, or null (see {@code SparkSweepBackend})
     * @param parallel task slots in local mode
     * @param childJvmOptions JVM options of each run's child JVM
     * @return the backend
     * @throws RunSetupException if Spark's jars are not found, naming the directory looked in
     * @throws IOException if they cannot be listed
     */
    public static SweepBackend backend(String master, int parallel, List<String> childJvmOptions)
            throws RunSetupException, IOException {
        return create(SweepBackend.class, BACKEND, new Class<?>[] {String.class, int.class, List.class},
                master, parallel, childJvmOptions);
    }

    /**
     * Starts the Spark application that certifies points ({@code certify ... --spark}).
     *
     * @param master the master URL, or null (see {@code SparkPointCluster})
     * @param parallel task slots in local mode
     * @param appName the application's name
     * @return the cluster; the caller closes it
     * @throws RunSetupException if Spark's jars are not found, naming the directory looked in
     * @throws IOException if they cannot be listed
     */
    public static PointCluster pointCluster(String master, int parallel, String appName)
            throws RunSetupException, IOException {
        return create(PointCluster.class, POINT_CLUSTER, new Class<?>[] {String.class, int.class, String.class},
                master, parallel, appName);
    }

    private static <T> T create(Class<T> type, String className, Class<?>[] parameterTypes, Object... arguments)
            throws RunSetupException, IOException {
        ClassLoader loader = sparkOnClassPath() ? SparkLoader.class.getClassLoader() : isolatedLoader();
        try {
            return type.cast(Class.forName(className, true, loader).getConstructor(parameterTypes)
                    .newInstance(arguments));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + className + ": " + e, e);
        }
    }

    private static boolean sparkOnClassPath() {
        try {
            Class.forName("org.apache.spark.SparkConf", false, SparkLoader.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** A loader over lipreg's jar (for the Spark package only) and lib/spark/*.jar. */
    private static ClassLoader isolatedLoader() throws RunSetupException, IOException {
        Path ownJar;
        try {
            ownJar = Path.of(SparkLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the lipreg jar: " + e.getMessage(), e);
        }
        Path dir = ownJar.getParent().resolve(SPARK_LIB);
        List<URL> urls = new ArrayList<>(List.of(url(ownJar)));
        if (Files.isDirectory(dir)) {
            try (Stream<Path> jars = Files.list(dir)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    urls.add(url(jar));
                }
            }
        }
        if (urls.size() == 1) {
            throw new RunSetupException("--spark: Spark's jars are not in " + dir
                    + " (build lipreg with ./lipreg or './mvnw package', which puts them there)", null);
        }
        return new SparkClassLoader(urls.toArray(URL[]::new), SparkLoader.class.getClassLoader());
    }

    private static URL url(Path path) throws MalformedURLException {
        return path.toUri().toURL();
    }

    /** Parent first, except lipreg's Spark packages, which must see Spark's classes. */
    private static final class SparkClassLoader extends URLClassLoader {

        static {
            registerAsParallelCapable();
        }

        SparkClassLoader(URL[] urls, ClassLoader parent) {
            super("lipreg-spark", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (SPARK_PACKAGES.stream().noneMatch(name::startsWith)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}
