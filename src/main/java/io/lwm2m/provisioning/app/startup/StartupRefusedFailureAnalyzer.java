package io.lwm2m.provisioning.app.startup;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link StartupRefusedException} as its description and action, without a stack trace. */
class StartupRefusedFailureAnalyzer extends AbstractFailureAnalyzer<StartupRefusedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupRefusedException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
