package io.fanout.jobs;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.util.unit.DataSize;

/** A {@link DataSize} between {@code min} and {@code max} bytes (a null value is left to {@code @NotNull}). */
@Documented
@Constraint(validatedBy = ByteSize.Check.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface ByteSize {

    String message() default "must be between {min} and {max} bytes";

    long min() default 1;

    long max() default Long.MAX_VALUE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks a {@link DataSize} against the bounds of its {@link ByteSize}. */
    final class Check implements ConstraintValidator<ByteSize, DataSize> {

        private long min;
        private long max;

        @Override
        public void initialize(ByteSize bounds) {
            this.min = bounds.min();
            this.max = bounds.max();
        }

        @Override
        public boolean isValid(DataSize value, ConstraintValidatorContext context) {
            return value == null || (value.toBytes() >= min && value.toBytes() <= max);
        }
    }
}
