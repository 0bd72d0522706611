package io.lwm2m.provisioning.app.est;

import io.lwm2m.provisioning.est.https.EstHttpsController;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Keeps the two ports apart inside the one web application: the EST connector serves only
 * {@code /.well-known/est/…}, every other connector everything but that. Decided on the path Tomcat
 * mapped (decoded and normalised, so {@code /api/../.well-known/est} is EST's) before any filter runs.
 */
final class EstPortValve extends ValveBase {

    private static final byte[] NOT_EST = ("path: this port serves EST over HTTPS only, under " + EstHttpsController.BASE
            + "/[<label>/]<operation>").getBytes(StandardCharsets.UTF_8);

    private final Connector est;

    EstPortValve(Connector est) {
        super(true);
        this.est = est;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        boolean estPort = request.getConnector() == est;
        if (estPort == EstHttpsController.serves(request.getDecodedRequestURI())) {
            getNext().invoke(request, response);
        } else if (estPort) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType("text/plain; charset=utf-8");
            response.setContentLength(NOT_EST.length);
            response.getOutputStream().write(NOT_EST);
        } else {
            // The API port's own 404 (problem+json, through the error page), as for any unknown path.
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
