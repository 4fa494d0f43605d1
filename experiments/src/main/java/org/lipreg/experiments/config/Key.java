package org.lipreg.experiments.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Registers a config field as a key: its meaning, who uses it, and what values are allowed. The
 * field itself gives the key's name and type, its initializer the default. {@link ConfigRegistry}
 * collects the keys; validation, {@code lipreg config --reference} and docs/configuration.md come
 * from them, and a public config field without this annotation is an error.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Key {

    /**
     * What the key means, one line.
     *
     * @return the meaning
     */
    String value();

    /**
     * The class (and module) that reads the key, e.g. {@code "ModelFactory → normalization"}.
     *
     * @return who uses it
     */
    String usedBy();

    /**
     * The smallest allowed value of a number (or of each number in a list).
     *
     * @return the lower bound
     */
    double min() default Double.NEGATIVE_INFINITY;

    /**
     * Whether {@link #min} itself is excluded.
     *
     * @return true for {@code > min}
     */
    boolean minExclusive() default false;

    /**
     * The largest allowed value of a number.
     *
     * @return the upper bound
     */
    double max() default Double.POSITIVE_INFINITY;

    /**
     * Whether {@link #max} itself is excluded.
     *
     * @return true for {@code < max}
     */
    boolean maxExclusive() default false;

    /**
     * The enum of allowed values of a string key ({@link Choice} constants); {@code Choice.class}
     * for a key that is no choice.
     *
     * @return the choices
     */
    Class<? extends Choice> choices() default Choice.class;

    /**
     * Whether the key may be left unset ({@code null}); then it is neither checked nor written.
     *
     * @return true if optional
     */
    boolean optional() default false;

    /**
     * The value (YAML) an unset key gets when its section resolves its defaults (the transformer
     * keys); empty for none. Also what the reference shows as the default.
     *
     * @return the default of an unset key
     */
    String whenUnset() default "";
}
