package io.lwm2m.provisioning.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OAuth2 JWT bearer tokens from a test issuer whose JWK set a JDK HTTP server publishes on an
 * ephemeral port: a token signed with its key is accepted with the roles of its claim; tampered,
 * foreign-signed, expired and wrong-issuer tokens are refused with 401.
 */
class JwtTest {

    private static final String ISSUER = "https://issuer.test/realm";
    private static HttpServer jwks;
    private static KeyPair issuerKey;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        issuerKey = rsa();
        byte[] keySet = new JWKSet(new RSAKey.Builder((RSAPublicKey) issuerKey.getPublic()).keyID("k1").build())
                .toString(true).getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keySet.length);
            exchange.getResponseBody().write(keySet);
            exchange.close();
        });
        jwks.start();
        server = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.api.jwt.jwk-set-uri", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json",
                "provisioning.api.jwt.issuer-uri", ISSUER,
                "provisioning.api.jwt.roles-claim", "lwm2m_roles"));
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
    }

    @Test
    void aTokenFromTheIssuerActsWithTheRolesOfItsClaim() throws Exception {
        String token = token(issuerKey, ISSUER, "alice", new String[] {"security-officer"}, Instant.now().plusSeconds(300));
        String dm = Fixtures.unique("dm");
        TestServer.ApiResponse created = server.call("POST", "/api/v1/servers", """
                {"name":"%s","uri":"coaps://dm.example","shortServerId":5,"lifetime":60,"binding":"U","securityMode":"PSK"}"""
                .formatted(dm), "Bearer " + token);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(server.call("GET", "/api/v1/api-keys", null, "Bearer " + token).status()).isEqualTo(403);

        JsonNode event = server.call("GET", "/api/v1/audit?action=server.create&target=server:" + dm, null).json();
        assertThat(event).hasSize(1);
        assertThat(event.get(0).get("actor").asString()).isEqualTo("jwt:alice");
        assertThat(event.get(0).get("role").asString()).isEqualTo("security-officer");
    }

    @Test
    void rolesMayComeAsOneSpaceSeparatedStringAndUnknownOnesAreIgnored() throws Exception {
        String token = token(issuerKey, ISSUER, "bob", "operator superuser", Instant.now().plusSeconds(300));
        assertThat(server.call("GET", "/api/v1/devices", null, "Bearer " + token).status()).isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/audit", null, "Bearer " + token).status()).isEqualTo(403);

        String roleless = token(issuerKey, ISSUER, "carol", new String[] {"superuser"}, Instant.now().plusSeconds(300));
        assertThat(server.call("GET", "/api/v1/servers", null, "Bearer " + roleless).status())
                .as("authenticated, but no role of this API").isEqualTo(403);
    }

    @Test
    void aTamperedTokenIsRefused() throws Exception {
        String token = token(issuerKey, ISSUER, "mallory", new String[] {"auditor"}, Instant.now().plusSeconds(300));
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("auditor", "admin");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRefused(tampered, "signature");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        assertRefused(token(rsa(), ISSUER, "mallory", new String[] {"admin"}, Instant.now().plusSeconds(300)), "signature");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        assertRefused(token(issuerKey, ISSUER, "alice", new String[] {"admin"}, Instant.now().minusSeconds(600)), "expired");
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() throws Exception {
        assertRefused(token(issuerKey, "https://elsewhere.test", "alice", new String[] {"admin"}, Instant.now().plusSeconds(300)),
                "iss");
    }

    @Test
    void anIssuerAloneIsDiscoveredOnFirstUseSoTheServerStartsWhileItIsUnreachable() throws Exception {
        String issuer = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/late";
        try (TestServer own = TestServer.start(TestServer.newDataDir(), Map.of(
                "provisioning.api.jwt.issuer-uri", issuer, "provisioning.api.jwt.roles-claim", "lwm2m_roles"))) {
            String token = token(issuerKey, issuer, "dave", new String[] {"auditor"}, Instant.now().plusSeconds(300));
            assertThat(own.call("GET", "/api/v1/servers", null).status()).as("API keys work meanwhile").isEqualTo(200);
            TestServer.ApiResponse early = own.call("GET", "/api/v1/servers", null, "Bearer " + token);
            assertThat(early.status()).isEqualTo(401);
            assertThat(early.json().get("detail").asString()).contains("could not be checked");

            byte[] metadata = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"http://127.0.0.1:"
                    + jwks.getAddress().getPort() + "/jwks.json\"}").getBytes(StandardCharsets.UTF_8);
            jwks.createContext("/late/.well-known/openid-configuration", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, metadata.length);
                exchange.getResponseBody().write(metadata);
                exchange.close();
            });
            assertThat(own.call("GET", "/api/v1/servers", null, "Bearer " + token).status()).isEqualTo(200);
        }
    }

    @Test
    void apiKeysKeepWorkingBesideJwts() {
        assertThat(server.call("GET", "/api/v1/api-keys", null).status()).isEqualTo(200);
        assertThat(server.call("GET", "/api/v1/servers", null, "Bearer bsk_not.a.key").status()).isEqualTo(401);
    }

    private static void assertRefused(String token, String why) {
        TestServer.ApiResponse refused = server.call("GET", "/api/v1/servers", null, "Bearer " + token);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).containsIgnoringCase(why).doesNotContain(token);
    }

    private static String token(KeyPair key, String issuer, String subject, Object roles, Instant expiry) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .issueTime(Date.from(expiry.minusSeconds(900))).expirationTime(Date.from(expiry))
                .claim("lwm2m_roles", roles instanceof String[] list ? java.util.List.of(list) : roles).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
        String serialized = jwt.serialize();
        TestOutput.rememberSecret(serialized);
        return serialized;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}
