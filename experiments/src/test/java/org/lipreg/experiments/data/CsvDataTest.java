package org.lipreg.experiments.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** Numeric tables: separators, split, labels, standardization and errors that name file and line. */
class CsvDataTest {

    @TempDir Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsWhitespaceAndCommaSeparatedRowsWithTheLabelLast() throws Exception {
        Path file = write("t.data", "1 2   7\n\n3,4,2\n5 ,\t6, 7\n7 8 2\n9 10 7\n");
        TabularFile table = TabularFile.read(file);
        assertEquals(5, table.size());
        assertEquals(2, table.featureCount());
        assertArrayEquals(new double[] {5, 6}, table.features()[2]);
        assertArrayEquals(new int[] {1, 3, 4, 5, 6}, table.lines());

        TrainTestData data = CsvData.load(file, 3, 2, null, null);
        assertEquals(3, data.train().size());
        assertEquals(2, data.test().size());
        // Labels 2 and 7 become classes 0 and 1 in sorted order; the mapping is recorded.
        assertArrayEquals(new double[] {2, 7}, data.standardization().labels());
        assertArrayEquals(new int[] {1, 0, 1}, data.train().labels());
        assertArrayEquals(new int[] {0, 1}, data.test().labels());
        assertEquals(2, data.numClasses());
        assertEquals(new ai.djl.ndarray.types.Shape(1, 1, 2), data.train().exampleShape());
        // Training rows standardized with their own statistics: feature 0 is 1, 3, 5 → mean 3.
        Standardization s = data.standardization();
        assertEquals(3, s.mean()[0], 1e-12);
        assertEquals(Math.sqrt(8.0 / 3), s.std()[0], 1e-12);
        assertEquals((7 - 3) / Math.sqrt(8.0 / 3), data.test().pixels()[0], 1e-6);
    }

    @Test
    void defaultSplitIsEightyTwenty() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            text.append(i).append(' ').append(i % 2).append('\n');
        }
        TrainTestData data = CsvData.load(write("t.csv", text.toString()), null, null, null, null);
        assertEquals(8, data.train().size());
        assertEquals(2, data.test().size());
        assertTrue(data.description().contains("first 8 rows train, last 2 test"), data.description());
    }

    @Test
    void constantColumnGetsUnitStd() {
        Standardization s = Standardization.fit(new double[][] {{1, 4}, {2, 4}}, new double[] {0, 1});
        assertEquals(1, s.std()[1]);
        assertArrayEquals(new double[] {1, 0}, s.apply(new double[] {2, 4}), 1e-12);
    }

    @Test
    void standardizationRoundTripsThroughItsFile() throws Exception {
        Standardization s = Standardization.fit(new double[][] {{1, 10, -3}, {2, 30, -3}, {6, 20, 5}},
                new double[] {1, 2, 1});
        Path file = dir.resolve(Standardization.FILE);
        s.write(file);
        Standardization back = Standardization.read(file);
        assertArrayEquals(s.mean(), back.mean());
        assertArrayEquals(s.std(), back.std());
        assertArrayEquals(s.labels(), back.labels());
        double[] raw = {4, 15, 0};
        assertArrayEquals(raw, back.invert(back.apply(raw)), 1e-12);
        assertEquals(1, back.classOf(2));
        assertEquals(-1, back.classOf(3));

        // A stored standardization is applied as is, not refitted on the new file's rows.
        Path other = write("other.csv", "100 0 0 1\n200 0 0 2\n300 0 0 1\n");
        TrainTestData data = CsvData.load(other, 2, 1, back);
        assertEquals((300 - s.mean()[0]) / s.std()[0], data.test().pixels()[0], 1e-4);
    }

    @Test
    void errorsNameTheFileAndLine() throws Exception {
        Path ragged = write("ragged.csv", "1 2 0\n3 4 1\n5 6\n");
        String m = assertThrows(TabularFormatException.class, () -> TabularFile.read(ragged)).getMessage();
        assertEquals(ragged + ":3: has 2 columns, the first row has 3", m);

        Path text = write("text.csv", "1 2 0\n3 x 1\n");
        m = assertThrows(TabularFormatException.class, () -> TabularFile.read(text)).getMessage();
        assertEquals(text + ":2: column 2: 'x' is not a number", m);

        Path empty = write("empty.csv", "\n  \n");
        m = assertThrows(TabularFormatException.class, () -> TabularFile.read(empty)).getMessage();
        assertEquals(empty + ": is empty (no rows)", m);

        Path oneColumn = write("one.csv", "1\n2\n");
        m = assertThrows(TabularFormatException.class, () -> TabularFile.read(oneColumn)).getMessage();
        assertTrue(m.startsWith(oneColumn + ":1: has 1 column"), m);

        Path oneClass = write("oneclass.csv", "1 2 5\n3 4 5\n5 6 5\n");
        m = assertThrows(TabularFormatException.class, () -> CsvData.load(oneClass, null, null, null, null)).getMessage();
        assertTrue(m.startsWith(oneClass + ": has only one class (label 5.0)"), m);

        Path small = write("small.csv", "1 2 0\n3 4 1\n");
        m = assertThrows(TabularFormatException.class, () -> CsvData.load(small, 2, 1, null, null)).getMessage();
        assertTrue(m.contains("has 2 rows, too few for 2 training and 1 test rows"), m);

        Path missing = dir.resolve("missing.csv");
        m = assertThrows(TabularFormatException.class, () -> TabularFile.read(missing)).getMessage();
        assertEquals(missing + ": no such file", m);

        Standardization s = Standardization.fit(new double[][] {{0, 0}}, new double[] {0, 1});
        Path unknown = write("unknown.csv", "1 2 0\n3 4 1\n5 6 9\n");
        m = assertThrows(TabularFormatException.class, () -> CsvData.load(unknown, 2, 1, s)).getMessage();
        assertEquals(unknown + ":3: label 9.0 is not one of the model's labels [0.0, 1.0]", m);
    }

    @Test
    void dataClassesTakesLabelsAsClassIndices() throws Exception {
        // Labels 0 and 2 only; with data.classes 3 they are classes 0 and 2 of three, not 0 and 1 of two.
        Path file = write("t.csv", "1 0\n2 2\n3 0\n4 2\n");
        TrainTestData data = CsvData.load(file, 3, 1, 3, null);
        assertEquals(3, data.numClasses());
        assertArrayEquals(new int[] {0, 2, 0}, data.train().labels());
        assertArrayEquals(new int[] {2}, data.test().labels());
        assertArrayEquals(new double[] {0, 1, 2}, data.standardization().labels());
    }

    @Test
    void labelOutsideDataClassesIsNamedWithLineAndIndex() throws Exception {
        Path file = write("t.csv", "1 0\n2 1\n\n3 200\n4 1\n");
        String m = assertThrows(TabularFormatException.class, () -> CsvData.load(file, 3, 1, 2, null)).getMessage();
        assertEquals(file + ":4: example 2 has label 200, outside the 2 classes 0..1 (data.classes)", m);
        Path fraction = write("f.csv", "1 0\n2 1\n3 0.5\n4 1\n");
        m = assertThrows(TabularFormatException.class, () -> CsvData.load(fraction, 3, 1, 2, null)).getMessage();
        assertEquals(fraction + ":3: example 2 has label 0.5, outside the 2 classes 0..1 (data.classes)", m);
    }

    @Test
    void labelThatIsNotAWholeNumberIsNamed() throws Exception {
        // A continuous last column would silently make one class per distinct value.
        Path file = write("t.csv", "1 0\n2 1\n3 0.37\n4 1\n5 0\n");
        String m = assertThrows(TabularFormatException.class, () -> CsvData.load(file, null, null, null, null))
                .getMessage();
        assertEquals(file + ":3: example 2 has label 0.37, not a whole number: the last column must be a class "
                + "label", m);
    }
}
