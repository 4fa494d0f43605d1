package org.lipreg.experiments.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a config class for the reference: a section ({@code data}, {@code model}) or one
 * {@code type} of a list entry (a layer, a regularizer).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Section {

    /**
     * What the section or entry is, one line.
     *
     * @return the meaning
     */
    String value();

    /**
     * Who builds it, for a list entry ({@code "ModelFactory → DJL Conv2d"}); empty for a section.
     *
     * @return who uses it
     */
    String usedBy() default "";
}
