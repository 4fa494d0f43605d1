package org.lipreg.experiments.sweep;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rule for a name that becomes one directory inside the sweep directory (a variant's name):
 * a plain single path segment that means the same on Linux, macOS and Windows.
 *
 * <p>Allowed: letters, digits, '.', '_', '+' and '-', starting with a letter or digit and not
 * ending with '.'. That rules out separators, {@code .} and {@code ..} (the sweep directory
 * itself and its parent), hidden names, names that look like command-line options, every
 * character Windows forbids ({@code <>:"/\|?*}, control characters) and the trailing dot that
 * Windows drops. Windows' reserved device names ({@code con}, {@code nul}, {@code com1}, ..., also
 * with an extension such as {@code nul.txt}) are refused too: they name no directory there.
 */
final class DirectoryName {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._+-]*[A-Za-z0-9_+-])?");

    private static final Pattern WINDOWS_DEVICE = Pattern.compile("con|prn|aux|nul|com[1-9]|lpt[1-9]");

    private DirectoryName() {}

    /**
     * Checks a name.
     *
     * @param name the name, possibly null
     * @return null if it is a plain directory name, else what is wrong with it
     */
    static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "required";
        }
        if (!PLAIN.matcher(name).matches()) {
            return "'" + name + "' is not a plain directory name: use letters, digits, '.', '_', '+' or '-', "
                    + "starting with a letter or digit and not ending with '.'";
        }
        String stem = name.split("\\.", 2)[0].toLowerCase(Locale.ROOT);
        if (WINDOWS_DEVICE.matcher(stem).matches()) {
            return "'" + name + "' is a reserved device name on Windows; choose another";
        }
        return null;
    }
}
