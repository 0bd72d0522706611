package io.lwm2m.provisioning.bootstrap.sessions;

/** How a bootstrap session ended, or that it has not yet. */
public enum SessionOutcome { RUNNING, SUCCEEDED, FAILED }
