package io.lwm2m.provisioning.bootstrap.devices;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Which unique constraint (or unique index) a failed write broke, read from the constraint-name
 * field of PostgreSQL's error (SQLSTATE 23505), never from the message text, which
 * {@code lc_messages} may translate and a driver may reword.
 */
final class UniqueViolation {

    static final String SQLSTATE = "23505";

    private UniqueViolation() {
    }

    /** The name of the unique constraint {@code failure} (or one of its causes) reports; empty for any other failure. */
    static Optional<String> constraint(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = next(t), depth++) {
            if (t instanceof PSQLException p && SQLSTATE.equals(p.getSQLState())) {
                ServerErrorMessage fields = p.getServerErrorMessage();
                return Optional.ofNullable(fields == null ? null : fields.getConstraint());
            }
        }
        return Optional.empty();
    }

    /** A batch's failure names the statement's own error as its next exception rather than as its cause. */
    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql && sql.getNextException() != null) {
            return sql.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
