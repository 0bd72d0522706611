package io.lwm2m.provisioning.bootstrap.events;

import io.lwm2m.provisioning.bootstrap.settings.EventSettings;
import io.lwm2m.provisioning.errors.FieldProblems;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
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

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

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
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return v4.group(1).equals("127");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            try {
                // A literal with a colon: parsed as IPv6, never looked up.
                return InetAddress.getByName(host.substring(1, host.length() - 1)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
