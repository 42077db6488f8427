package io.fanout.config;

import io.fanout.definition.InvalidConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an invalid config at start-up as the plain list of problems instead of a stack trace. */
class InvalidConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigException cause) {
        return new FailureAnalysis(
                cause.getMessage(), "Fix the configuration and start Fanout again; nothing was" + " served.", cause);
    }
}
