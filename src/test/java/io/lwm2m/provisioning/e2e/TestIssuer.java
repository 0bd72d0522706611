package io.lwm2m.provisioning.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small OpenID Connect issuer on loopback for the console's sign-in test: discovery metadata, an
 * authorization endpoint that signs in whoever {@link #signInAs} names (no login page), a token
 * endpoint exchanging a code for an RS256 ID token (audience, nonce and the roles claim as a real
 * issuer sets them), and its JWK set. Reached as {@code localhost}, another site than the console's
 * {@code 127.0.0.1}, as an identity provider is.
 */
final class TestIssuer implements AutoCloseable {

    private record Grant(String clientId, String redirectUri, String nonce, String subject, List<String> roles) {
    }

    private final HttpServer http;
    private final RSAKey key;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private volatile String subject = "alice";
    private volatile List<String> roles = List.of();

    TestIssuer(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        try {
            this.key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/.well-known/openid-configuration", this::metadata);
        http.createContext("/authorize", this::authorize);
        http.createContext("/token", this::token);
        http.createContext("/jwks", exchange -> send(exchange, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
        http.start();
    }

    String issuer() {
        return "http://localhost:" + http.getAddress().getPort();
    }

    /** Who the next sign-in at the authorization endpoint is, and the roles its ID token names. */
    void signInAs(String nextSubject, List<String> nextRoles) {
        this.subject = nextSubject;
        this.roles = nextRoles;
    }

    private void metadata(HttpExchange exchange) throws IOException {
        String issuer = issuer();
        send(exchange, 200, "application/json", """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token","jwks_uri":"%1$s/jwks",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"],"scopes_supported":["openid","profile"],
                 "token_endpoint_auth_methods_supported":["client_secret_basic"]}""".formatted(issuer));
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!clientId.equals(query.get("client_id")) || !"code".equals(query.get("response_type"))
                || !query.getOrDefault("scope", "").contains("openid")) {
            send(exchange, 400, "text/plain", "bad authorization request");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(clientId, query.get("redirect_uri"), query.get("nonce"), subject, roles));
        exchange.getResponseHeaders().add("Location", query.get("redirect_uri") + "?code=" + code + "&state="
                + java.net.URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Grant grant = codes.remove(body.getOrDefault("code", ""));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) || grant == null
                || !"authorization_code".equals(body.get("grant_type")) || !grant.redirectUri().equals(body.get("redirect_uri"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        send(exchange, 200, "application/json", "{\"access_token\":\"" + UUID.randomUUID() + "\",\"token_type\":\"Bearer\","
                + "\"expires_in\":300,\"scope\":\"openid profile\",\"id_token\":\"" + idToken(grant) + "\"}");
    }

    private String idToken(Grant grant) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer()).subject(grant.subject()).audience(grant.clientId())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).claim("roles", grant.roles());
        if (grant.nonce() != null) {
            claims.claim("nonce", grant.nonce());
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded != null) {
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
