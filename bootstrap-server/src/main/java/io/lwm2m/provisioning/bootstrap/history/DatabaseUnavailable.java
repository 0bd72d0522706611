package io.lwm2m.provisioning.bootstrap.history;


import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The database could not be reached or is restarting, as opposed to refusing a statement for its
 * content: a write that met it is kept and retried, not dropped.
 */
final class DatabaseUnavailable extends RuntimeException {

    DatabaseUnavailable(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }

    /**
     * Whether {@code error} means the database is unavailable: a connection failure (SQLSTATE class
     * 08), the server shutting down or starting (57P01-57P03), too many connections (53300), or no
     * connection from the pool in time.
     */
    static boolean causes(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0") || state.equals("53300")) {
                    return true;
                }
            }
        }
        return false;
    }
}
