package io.fanout.store;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches in database mode; use it as {@code @Conditional(DatabaseModeCondition.class)} on beans that need the
 * database. Not {@code @ConditionalOnProperty}: that would also match a blank URL, which
 * {@link DatabaseModeAutoConfigurationFilter} treats as "no database", and both must agree; and it would miss an
 * {@code R2dbcConnectionDetails} bean ({@link DatabaseMode}).
 */
public final class DatabaseModeCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return DatabaseMode.isConfigured(context.getEnvironment(), context.getBeanFactory());
    }
}
