package io.lwm2m.provisioning.app.startup;

/**
 * The server will not start, for a reason the operator can fix: {@code description} says what is wrong in
 * one line, naming the setting; {@code action} says what to do.
 */
public final class StartupRefusedException extends RuntimeException {

    private final String action;

    public StartupRefusedException(String description, String action) {
        super(description);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
