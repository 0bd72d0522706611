package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Where this server may send a webhook: over https. An event names devices, identities and serials,
 * and an allocation webhook's answer decides a device's profile and DM servers, so over plain http
 * anyone on the path reads the one and can rewrite the other (the signature covers only what this
 * server sends). Plain http goes only to this machine (a loopback address), or anywhere when
 * {@code provisioning.events.allow-plain-http} says the network below is trusted (a service mesh
 * with mutual TLS, say). Checked when a URL is set; a URL stored before stays as it is (decision 091).
 */
@Component
public class WebhookUrls {

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[[0-9A-Fa-f:.]+\\]");

    private final boolean allowPlainHttp;

    WebhookUrls(boolean allowPlainHttp) {
        this.allowPlainHttp = allowPlainHttp;
    }

    @Autowired
    WebhookUrls(EventSettings settings) {
        this(settings.allowPlainHttp());
    }

    /** Adds a problem for {@code field} when {@code url} is plain http to another machine and that is not allowed. */
    public FieldProblems check(String url, String field, FieldProblems problems) {
        if (url == null || allowPlainHttp) {
            return problems;
        }
        try {
            URI uri = new URI(url);
            if ("http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !loopback(uri.getHost())) {
                problems.add(field, "must be an https URL: over plain http anyone on the path reads the events and can "
                        + "change the answers (http is taken only to a loopback address, or with provisioning.events.allow-plain-http)");
            }
        } catch (URISyntaxException e) {
            // the format's own check names it
        }
        return problems;
    }

    /** A loopback address by name or literal; no other name is resolved, so a check never waits for DNS. */
    private static boolean loopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IP_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
