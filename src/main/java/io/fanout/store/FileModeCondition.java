package io.fanout.store;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches exactly when {@link DatabaseModeCondition} does not: the beans of file mode (SPEC §3's default). */
public final class FileModeCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return !DatabaseMode.isConfigured(context.getEnvironment(), context.getBeanFactory());
    }
}
