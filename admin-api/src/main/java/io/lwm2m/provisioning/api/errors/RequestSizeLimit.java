package io.lwm2m.provisioning.api.errors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies above {@code provisioning.api.max-request-size} (bulk uploads under
 * {@code /api/v1/imports} and the console's {@code /console/imports}: {@code provisioning.api.max-import-size}) get 413 problem+json: at once
 * when {@code Content-Length} says so, else as soon as a chunked body passes the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@EnableConfigurationProperties(RequestLimits.class)
class RequestSizeLimit extends OncePerRequestFilter {

    static final String IMPORTS = "/api/v1/imports";
    /** The console's upload of an import file, which its page's script sends as the body. */
    static final String CONSOLE_IMPORTS = "/console/imports";

    private final long maxRequest;
    private final long maxImport;
    private final JsonMapper json;

    RequestSizeLimit(RequestLimits limits, JsonMapper json) {
        this.maxRequest = limits.maxRequestSize().toBytes();
        this.maxImport = limits.maxImportSize().toBytes();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        long limit = path.startsWith(IMPORTS) || path.equals(CONSOLE_IMPORTS) ? maxImport : maxRequest;
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            tooLarge(response, limit);
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Limited(request, limit), response);
    }

    private void tooLarge(HttpServletResponse response, long limit) throws IOException {
        // The unread body is not worth receiving: close the connection after answering.
        response.setHeader("Connection", "close");
        Problems.write(response, json, HttpStatus.CONTENT_TOO_LARGE, "Request too large", message(limit));
    }

    static String message(long limit) {
        return "The request body exceeds the limit of " + limit + " bytes.";
    }

    /** Thrown by a chunked body that passes the limit; mapped to 413 by {@link ApiExceptionHandler}. */
    static final class TooLargeException extends IOException {
        final long limit;

        TooLargeException(long limit) {
            super(message(limit));
            this.limit = limit;
        }
    }

    /** A request whose body stream fails once more than {@code limit} bytes were read. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        int n = in.read(buffer, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws TooLargeException {
                        read += n;
                        if (read > limit) {
                            throw new TooLargeException(limit);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
