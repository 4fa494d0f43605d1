package org.lipreg.experiments.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lipreg.experiments.certify.CertifyOutputs;
import org.lipreg.experiments.config.ConfigException;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a sweep directory holds, read once: one row per run of the plan (variant, axis values,
 * status, final and best value of each metric, progress, seconds, error; see {@link
 * ReportColumns}) and the finished runs' metric tables per group, for the curves.
 *
 * @param runs one row per run
 * @param groupColumns the columns runs are grouped by over seeds: the variant, then every axis
 *     but {@code seed}
 * @param metrics the plan's metrics, then the certified figures any run has
 * @param kind the sweep's kind of run
 * @param curvesByGroup per group label, the finished runs' metric tables (RL: returns)
 */
record SweepRuns(Table runs, List<String> groupColumns, List<String> metrics, RunKind kind,
        Map<String, List<Table>> curvesByGroup) {

    /** Reads the plan and every run directory it names. */
    static SweepRuns read(Path sweepDir) throws IOException {
        JsonNode plan = SweepRunner.readPlan(sweepDir);
        RunKind kind;
        try {
            // Plans written before RL sweeps have no kind: they are training sweeps.
            kind = RunKind.of(plan.path("kind").asText(RunKind.TRAIN.id()));
        } catch (ConfigException e) {
            throw new IOException(sweepDir.resolve(SweepRunner.PLAN_FILE) + ": " + e.getMessage(), e);
        }
        List<String> axes = new ArrayList<>();
        plan.path("axes").forEach(a -> axes.add(a.asText()));
        for (String axis : axes) {
            String clash = ReportColumns.clash(axis, kind);
            if (clash != null) {
                throw new IOException(sweepDir.resolve(SweepRunner.PLAN_FILE) + ": axis '" + axis + "': "
                        + ReportColumns.clashProblem(clash));
            }
        }
        List<String> metrics = new ArrayList<>();
        plan.path("metrics").forEach(m -> metrics.add(m.asText()));
        // Certified figures (lipreg certify lipschitz --sweep) join the metrics of every run.
        Map<String, Map<String, Double>> certificates = new LinkedHashMap<>();
        TreeSet<String> certified = new TreeSet<>();
        for (JsonNode r : plan.path("runs")) {
            Map<String, Double> values = certificate(sweepDir.resolve(r.path("name").asText()));
            certificates.put(r.path("name").asText(), values);
            certified.addAll(values.keySet());
        }
        for (String key : certified) {
            if (!metrics.contains(key)) {
                metrics.add(key);
            }
        }
        boolean hasVariants = plan.path("hasVariants").asBoolean();

        Table runs = Table.create("runs").addColumns(StringColumn.create(ReportColumns.RUN));
        List<String> groupColumns = new ArrayList<>();
        if (hasVariants) {
            runs.addColumns(StringColumn.create(ReportColumns.VARIANT));
            groupColumns.add(ReportColumns.VARIANT);
        }
        for (String axis : axes) {
            runs.addColumns(StringColumn.create(axis));
            if (!axis.equals(SweepReport.SEED_AXIS)) {
                groupColumns.add(axis);
            }
        }
        runs.addColumns(StringColumn.create(ReportColumns.STATUS));
        for (String m : metrics) {
            runs.addColumns(DoubleColumn.create(ReportColumns.FINAL_PREFIX + m),
                    DoubleColumn.create(ReportColumns.BEST_PREFIX + m));
        }
        String progress = ReportColumns.progress(kind);
        runs.addColumns(IntColumn.create(progress), DoubleColumn.create(ReportColumns.SECONDS),
                StringColumn.create(ReportColumns.ERROR));

        Map<String, List<Table>> curves = new LinkedHashMap<>();
        for (JsonNode r : plan.path("runs")) {
            String name = r.path("name").asText();
            Path dir = sweepDir.resolve(name);
            runs.stringColumn("run").append(name);
            if (hasVariants) {
                runs.stringColumn("variant").append(r.path("variant").asText());
            }
            for (String axis : axes) {
                runs.stringColumn(axis).append(r.path("axes").path(axis).asText());
            }
            String status = RunOutcome.status(dir);
            runs.stringColumn("status").append(status);
            RunHistory history = RunHistory.read(kind, dir);
            Table metricsTable = history == null ? null : history.table();
            Map<String, Double> certificate = certificates.getOrDefault(name, Map.of());
            for (String m : metrics) {
                if (certificate.containsKey(m)) {
                    runs.doubleColumn(ReportColumns.FINAL_PREFIX + m).append(certificate.get(m));
                    runs.doubleColumn(ReportColumns.BEST_PREFIX + m).append(certificate.get(m));
                    continue;
                }
                boolean has = metricsTable != null && metricsTable.columnNames().contains(m);
                DoubleColumn col = has ? metricsTable.numberColumn(m).asDoubleColumn() : null;
                runs.doubleColumn(ReportColumns.FINAL_PREFIX + m)
                        .append(has && col.size() > 0 ? col.get(col.size() - 1) : Double.NaN);
                runs.doubleColumn(ReportColumns.BEST_PREFIX + m).append(has ? MetricDirection.of(m).best(col) : Double.NaN);
            }
            runs.intColumn(progress).append(history == null ? 0 : history.progress());
            runs.doubleColumn("seconds").append(history == null ? Double.NaN : history.seconds());
            runs.stringColumn("error").append(RunOutcome.error(dir));
            if ("finished".equals(status) && metricsTable != null) {
                curves.computeIfAbsent(SeedSummary.groupKey(runs.row(runs.rowCount() - 1), groupColumns),
                        k -> new ArrayList<>()).add(metricsTable);
            }
        }
        return new SweepRuns(runs, groupColumns, metrics, kind, curves);
    }

    /** Reads a run's certified figures, empty when it has none. */
    private static Map<String, Double> certificate(Path runDir) throws IOException {
        Path file = runDir.resolve(CertifyOutputs.CERTIFICATE_FILE);
        Map<String, Double> values = new LinkedHashMap<>();
        if (Files.isRegularFile(file)) {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            root.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) {
                    values.put(e.getKey(), e.getValue().asDouble());
                }
            });
        }
        return values;
    }
}
