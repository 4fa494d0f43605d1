package org.lipreg.experiments.certify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class MarkdownTablesTest {

    @Test
    void countsDurationsAndBoundsEachTheirWay() {
        Table t = Table.create("s").addColumns(
                StringColumn.create("method", "crown"),
                DoubleColumn.create("points", 776.0),
                DoubleColumn.create("mean_upper", 0.5),
                DoubleColumn.create("mean_ratio", 1.23456),
                DoubleColumn.create("mean_seconds", 11.761000370000001),
                DoubleColumn.create("radius", Double.NaN));
        assertEquals("""
                | method | points | mean_upper | mean_ratio | mean_seconds | radius |
                |---|---:|---:|---:|---:|---:|
                | crown | 776 | 0.5000 | 1.235 | 11.761 | – |
                """, MarkdownTables.of(t));
    }
}
