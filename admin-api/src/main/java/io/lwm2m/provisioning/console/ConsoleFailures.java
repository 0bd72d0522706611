package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.imports.ImportJobs;
import io.lwm2m.provisioning.api.imports.UploadTooLargeException;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;

/** The status and wording of failures other than the domain's own (wrong method, bad parameter, upload too large, ...). */
final class ConsoleFailures {

    private ConsoleFailures() {
    }

    static HttpStatus statusOf(Exception e) {
        if (e instanceof UploadTooLargeException) {
            return HttpStatus.CONTENT_TOO_LARGE;
        }
        if (e instanceof ImportJobs.SecretsGoneException) {
            return HttpStatus.GONE;
        }
        if (e instanceof ImportJobs.IdempotencyKeyReusedException) {
            return HttpStatus.UNPROCESSABLE_CONTENT;
        }
        if (e instanceof ErrorResponse known) {
            HttpStatus status = HttpStatus.resolve(known.getStatusCode().value());
            return status == null ? HttpStatus.BAD_REQUEST : status;
        }
        if (e instanceof org.springframework.beans.TypeMismatchException) {
            return HttpStatus.BAD_REQUEST;
        }
        if (concurrentChange(e)) {
            return HttpStatus.CONFLICT;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    static String detailOf(Exception e, HttpStatus status) {
        if (e instanceof ErrorResponse known && known.getBody().getDetail() != null) {
            return known.getBody().getDetail();
        }
        if (e instanceof org.springframework.beans.TypeMismatchException mismatch) {
            return "'" + mismatch.getPropertyName() + "' has the wrong form";
        }
        if (concurrentChange(e)) {
            return "Another request changed this at the same moment; reload the page and try again.";
        }
        return e.getMessage() == null ? status.getReasonPhrase() : e.getMessage();
    }

    /** Two requests changed one thing at once: a version moved, or PostgreSQL broke a circle of waits (decision 094). */
    private static boolean concurrentChange(Exception e) {
        return e instanceof org.springframework.dao.ConcurrencyFailureException
                || e instanceof jakarta.persistence.OptimisticLockException
                || e instanceof jakarta.persistence.PessimisticLockException;
    }
}
