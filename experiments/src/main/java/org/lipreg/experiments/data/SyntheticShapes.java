package org.lipreg.experiments.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A generated image-classification set that needs no download: 28×28 grey images of ten stroke
 * shapes (ring, vertical bar, horizontal bar, diagonal, plus, cross, triangle, square, disk,
 * corner), each drawn with a random size, position, rotation and stroke width, plus a short
 * distractor stroke at a random place and pixel noise.
 *
 * <p>Every image's mean brightness is set to a random level drawn independently of its class
 * (a uniform background makes up the difference), so the classes cannot be told apart by how
 * much ink they have; a model has to see the shape. Image {@code i} depends only on (seed, i).
 */
public final class SyntheticShapes {

    /** Number of classes. */
    public static final int CLASSES = 10;

    /** Image side in pixels. */
    public static final int SIZE = 28;

    /** Class names, by label. */
    public static final String[] NAMES = {
        "ring", "vertical", "horizontal", "diagonal", "plus", "cross", "triangle", "square", "disk",
        "corner"
    };

    private SyntheticShapes() {}

    /**
     * Generates a set of images with balanced classes.
     *
     * @param count number of images
     * @param seed the seed
     * @param noise standard deviation of the Gaussian pixel noise
     * @return the images, pixels in [0, 1]
     */
    public static ImageData generate(int count, long seed, double noise) {
        float[] pixels = new float[count * SIZE * SIZE];
        int[] labels = new int[count];
        IntStream.range(0, count)
                .parallel()
                .forEach(
                        i -> {
                            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
                            int label = i % CLASSES;
                            labels[i] = label;
                            render(label, random, noise, pixels, i * SIZE * SIZE);
                        });
        return new ImageData(pixels, labels, 1, SIZE, SIZE, CLASSES);
    }

    /** Side of the colour images, in pixels (CIFAR-10's). */
    public static final int RGB_SIZE = 32;

    /**
     * Generates colour images of the CIFAR-10 shape, 3 × 32 × 32: each grey shape image of {@link
     * #generate} placed at a random offset on a 32 × 32 canvas of its own background level and
     * tinted by a random colour (each channel scaled by a factor in [0.3, 1]), so colour carries
     * no class information. For benchmarks of CIFAR-sized models where no CIFAR data is at hand.
     *
     * @param count number of images
     * @param seed the seed
     * @param noise standard deviation of the Gaussian pixel noise (of the grey image)
     * @return the images, pixels in [0, 1]
     */
    public static ImageData generateRgb(int count, long seed, double noise) {
        ImageData grey = generate(count, seed, noise);
        int plane = RGB_SIZE * RGB_SIZE;
        float[] pixels = new float[count * 3 * plane];
        IntStream.range(0, count).parallel().forEach(i -> {
            SplittableRandom random = new SplittableRandom(~(seed * 1_000_003L + i));
            int dy = random.nextInt(RGB_SIZE - SIZE + 1);
            int dx = random.nextInt(RGB_SIZE - SIZE + 1);
            int from = i * SIZE * SIZE;
            float background = grey.pixels()[from]; // a corner pixel: the image's background level
            for (int c = 0; c < 3; c++) {
                float tint = (float) (0.3 + 0.7 * random.nextDouble());
                int to = (i * 3 + c) * plane;
                for (int y = 0; y < RGB_SIZE; y++) {
                    for (int x = 0; x < RGB_SIZE; x++) {
                        int sy = y - dy;
                        int sx = x - dx;
                        boolean inside = sy >= 0 && sy < SIZE && sx >= 0 && sx < SIZE;
                        pixels[to + y * RGB_SIZE + x] = tint * (inside ? grey.pixels()[from + sy * SIZE + sx] : background);
                    }
                }
            }
        });
        return new ImageData(pixels, grey.labels(), 3, RGB_SIZE, RGB_SIZE, CLASSES);
    }

    private static void render(int label, SplittableRandom r, double noise, float[] out, int offset) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            double scale = 7 + 4 * r.nextDouble(); // half-size of the shape in pixels
            AffineTransform at = new AffineTransform();
            at.translate(14 + (r.nextDouble() - 0.5) * 6, 14 + (r.nextDouble() - 0.5) * 6);
            at.rotate((r.nextDouble() - 0.5) * Math.toRadians(30));
            g.transform(at);
            g.setStroke(new BasicStroke((float) (1.5 + 1.5 * r.nextDouble())));
            double s = scale;
            switch (label) {
                case 0 -> g.draw(new Ellipse2D.Double(-s, -s, 2 * s, 2 * s));
                case 1 -> g.draw(new Line2D.Double(0, -s, 0, s));
                case 2 -> g.draw(new Line2D.Double(-s, 0, s, 0));
                case 3 -> g.draw(new Line2D.Double(-s, s, s, -s));
                case 4 -> {
                    g.draw(new Line2D.Double(0, -s, 0, s));
                    g.draw(new Line2D.Double(-s, 0, s, 0));
                }
                case 5 -> {
                    g.draw(new Line2D.Double(-s, -s, s, s));
                    g.draw(new Line2D.Double(-s, s, s, -s));
                }
                case 6 -> {
                    Path2D.Double tri = new Path2D.Double();
                    tri.moveTo(0, -s);
                    tri.lineTo(s, s * 0.8);
                    tri.lineTo(-s, s * 0.8);
                    tri.closePath();
                    g.draw(tri);
                }
                case 7 -> g.draw(new Rectangle2D.Double(-s * 0.8, -s * 0.8, 1.6 * s, 1.6 * s));
                case 8 -> g.fill(new Ellipse2D.Double(-s * 0.6, -s * 0.6, 1.2 * s, 1.2 * s));
                case 9 -> {
                    Path2D.Double corner = new Path2D.Double();
                    corner.moveTo(-s * 0.7, -s);
                    corner.lineTo(-s * 0.7, s * 0.7);
                    corner.lineTo(s, s * 0.7);
                    g.draw(corner);
                }
                default -> throw new IllegalArgumentException("label " + label);
            }
            // A short stroke anywhere, independent of the class: clutter the model must ignore.
            g.setTransform(new AffineTransform());
            g.setStroke(new BasicStroke(1.5f));
            double cx = 4 + 20 * r.nextDouble();
            double cy = 4 + 20 * r.nextDouble();
            double angle = Math.PI * r.nextDouble();
            double half = 2 + 1.5 * r.nextDouble();
            g.draw(new Line2D.Double(cx - half * Math.cos(angle), cy - half * Math.sin(angle),
                    cx + half * Math.cos(angle), cy + half * Math.sin(angle)));
        } finally {
            g.dispose();
        }
        Raster raster = image.getRaster();
        double[] ink = new double[SIZE * SIZE];
        double inkMean = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double v = raster.getSample(x, y, 0) / 255.0;
                ink[y * SIZE + x] = v;
                inkMean += v;
            }
        }
        inkMean /= ink.length;
        // Set the mean brightness to a class-independent level: dim the shape if it has more
        // ink than the target, and lift the background by whatever is missing.
        double target = 0.08 + 0.1 * r.nextDouble();
        double gain = Math.min(1.0, target / Math.max(inkMean, 1e-9));
        double background = Math.max(0, target - gain * inkMean);
        for (int k = 0; k < ink.length; k++) {
            double v = gain * ink[k] + background + noise * r.nextGaussian();
            out[offset + k] = (float) Math.min(1.0, Math.max(0.0, v));
        }
    }
}
