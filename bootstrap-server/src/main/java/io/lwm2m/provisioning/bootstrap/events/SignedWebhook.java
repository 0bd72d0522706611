package io.lwm2m.provisioning.bootstrap.events;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * The one way this server calls out over HTTP (issue 17): a POST signed as Standard Webhooks signs
 * it ({@link SigningSecret}), answered within a deadline that covers the whole answer, of which at
 * most 64 KiB are read. Event deliveries and the allocation webhook both go through here; neither
 * follows redirects.
 */
@Component
public class SignedWebhook {

    /** How much of an answer's body is read: an allocation answer is small, an event receiver's is ignored. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Clock clock;

    SignedWebhook(Clock clock) {
        this.clock = clock;
    }

    /** What the receiver answered: its status and the start of its body; or why there was no answer. */
    public record Answer(int status, String body, String failure) {

        public boolean ok() {
            return failure == null && status >= 200 && status < 300;
        }

        /** Why it did not succeed, for the record: the failure, or the status. */
        public String problem() {
            return failure != null ? failure : ok() ? null : "answered HTTP " + status;
        }
    }

    /**
     * POSTs {@code body} to {@code url} as message {@code id}, signed with every key in {@code keys}
     * (the current secret first), and waits at most {@code timeout} for the whole answer.
     */
    public Answer post(URI url, String id, String contentType, byte[] body, List<byte[]> keys, Duration timeout) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", SigningSecret.header(id, timestamp, body, keys))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new Capped());
        try {
            HttpResponse<byte[]> response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), null);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Answer(0, null, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Answer(0, null, cause instanceof HttpTimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                    : "could not be reached (" + describe(cause) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return new Answer(0, null, "interrupted (the server is stopping)");
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.substring(0, Math.min(200, message.length())));
    }

    /** The first {@link #MAX_ANSWER_BYTES} of a body; the rest is not read. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int take = Math.min(item.remaining(), MAX_ANSWER_BYTES - bytes.size());
                byte[] chunk = new byte[take];
                item.get(chunk);
                bytes.write(chunk, 0, take);
            }
            if (bytes.size() >= MAX_ANSWER_BYTES) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
