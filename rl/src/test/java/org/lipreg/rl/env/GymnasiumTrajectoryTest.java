package org.lipreg.rl.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long episodes replayed against every step that Gymnasium's own Python source produced, compared
 * bit for bit. The CSV files and the script that wrote them ({@code gymnasium_reference.py}, which
 * names the Gymnasium commit and numpy version) are test resources beside this class.
 */
class GymnasiumTrajectoryTest {

    @Test
    void cartPoleMatchesGymnasiumForAWholeEpisode() throws IOException {
        CartPole env = new CartPole();
        env.setState(0.01, -0.02, 0.03, 0.04);
        for (String[] row : rows("cartpole_500_steps.csv")) {
            int t = Integer.parseInt(row[0]);
            Step step = env.step(new double[] {Double.parseDouble(row[1])});
            double[] obs = step.observation();
            String[] names = {"x", "x_dot", "theta", "theta_dot"};
            for (int i = 0; i < 4; i++) {
                assertBits(Double.parseDouble(row[2 + i]), obs[i], "step " + t + " " + names[i]);
            }
            assertBits(Double.parseDouble(row[6]), step.reward(), "step " + t + " reward");
            assertEquals(t == 500, step.truncated(), "step " + t);
        }
    }

    @Test
    void mountainCarMatchesGymnasiumInsideAndOutsideTheActionRange() throws IOException {
        MountainCarContinuous env = new MountainCarContinuous();
        int steps = 0;
        for (String[] row : rows("mountain_car.csv")) {
            double position = Double.parseDouble(row[3]);
            double velocity = Double.parseDouble(row[4]);
            if (row[1].equals("0")) {
                // The start of an episode, set directly as the script sets Gymnasium's state.
                env.setState(position, velocity);
                continue;
            }
            String at = row[0] + " step " + row[1] + " (action " + row[2] + ") ";
            Step step = env.step(new double[] {Double.parseDouble(row[2])});
            assertBits(position, step.observation()[0], at + "position");
            assertBits(velocity, step.observation()[1], at + "velocity");
            assertBits(Double.parseDouble(row[5]), step.reward(), at + "reward");
            assertEquals(Boolean.parseBoolean(row[6]), step.terminated(), at + "terminated");
            steps++;
        }
        assertEquals(753, steps);
    }

    /** Exact equality, reported with both values' full digits. */
    private static void assertBits(double expected, double actual, String what) {
        assertEquals(
                Double.doubleToLongBits(expected),
                Double.doubleToLongBits(actual),
                () -> what + ": Gymnasium " + expected + ", Java " + actual);
    }

    private static List<String[]> rows(String resource) throws IOException {
        InputStream in = GymnasiumTrajectoryTest.class.getResourceAsStream(resource);
        assertNotNull(in, "test resource " + resource);
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine(); // header
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows.add(line.split(",", -1));
            }
        }
        return rows;
    }
}
