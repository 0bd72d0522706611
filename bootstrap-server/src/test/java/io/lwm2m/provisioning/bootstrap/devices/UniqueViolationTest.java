package io.lwm2m.provisioning.bootstrap.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The constraint a failed insert broke comes from the constraint field of PostgreSQL's error (as
 * PgJDBC parses it off the wire), whatever language the message is in.
 */
class UniqueViolationTest {

    /** An error as the server sends it: fields of a type letter and a value, each ended by NUL. */
    private static PSQLException serverError(String sqlState, String message, String constraint) {
        return new PSQLException(new ServerErrorMessage("SERROR\0VERROR\0C" + sqlState + "\0M" + message + "\0"
                + (constraint == null ? "" : "n" + constraint + "\0")));
    }

    @Test
    void theConstraintIsReadFromItsFieldNotFromATranslatedMessage() {
        PSQLException duplicate = serverError("23505",
                "doppelter Schlüsselwert verletzt Unique-Constraint »devices_endpoint_key«", "devices_endpoint_key");
        DataIntegrityViolationException failure = new DataIntegrityViolationException("could not execute statement",
                new RuntimeException("wrapped by the persistence provider", duplicate));

        assertThat(UniqueViolation.constraint(failure)).contains(DeviceRegistrar.ENDPOINT_KEY);
    }

    @Test
    void aBatchedInsertNamesTheConstraintThroughItsNextException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 1 was aborted", new int[0]);
        batch.setNextException(serverError("23505", "duplicate key value violates unique constraint",
                DeviceRegistrar.BOOTSTRAP_IDENTITY_KEY));

        assertThat(UniqueViolation.constraint(new DataIntegrityViolationException("could not execute batch", batch)))
                .contains(DeviceRegistrar.BOOTSTRAP_IDENTITY_KEY);
    }

    @Test
    void aViolationOfAnotherKindNamesNoUniqueConstraint() {
        PSQLException missingProfile = serverError("23503",
                "insert or update on table \"devices\" names profile 4, which does not exist", null);

        assertThat(UniqueViolation.constraint(new DataIntegrityViolationException("x", missingProfile))).isEmpty();
    }
}
