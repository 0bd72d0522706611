package io.lwm2m.provisioning.api.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * Checks JWT bearer tokens from the configured issuer: signature against the issuer's JWK set,
 * expiry and not-before (60 s clock skew), issuer and audience when configured. The caller's roles
 * come from {@link JwtSettings#rolesClaim()}; names that are no role of this API are ignored.
 */
final class JwtAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(JwtAuthenticator.class);

    private final JwtDecoder decoder;
    private final JwtSettings settings;

    JwtAuthenticator(JwtSettings settings) {
        this.settings = settings;
        // Built on first use: with only an issuer, building fetches its metadata, and the server must
        // start (and serve API keys) while the issuer is unreachable.
        this.decoder = new SupplierJwtDecoder(() -> decoder(settings));
    }

    private static JwtDecoder decoder(JwtSettings settings) {
        NimbusJwtDecoder nimbus = settings.jwkSetUri() != null
                ? NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri()).build()
                : NimbusJwtDecoder.withIssuerLocation(settings.issuerUri()).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(settings.issuerUri() != null ? JwtValidators.createDefaultWithIssuer(settings.issuerUri())
                : JwtValidators.createDefault());
        if (settings.audience() != null) {
            validators.add(new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.contains(settings.audience())));
        }
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return nimbus;
    }

    /** Whether the bearer token has the shape of a JWS compact serialisation (three dot-separated parts). */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /** The token's caller; a bad token throws {@link BadCredentialsException} saying why (never quoting the token). */
    ApiPrincipal authenticate(String token) {
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtValidationException e) {
            throw new BadCredentialsException("the JWT was refused: " + e.getErrors().stream()
                    .map(error -> error.getDescription() == null ? error.getErrorCode() : error.getDescription())
                    .collect(Collectors.joining("; ")));
        } catch (BadJwtException e) {
            throw new BadCredentialsException("the JWT was refused: its signature, algorithm or format is not valid "
                    + "for the configured issuer");
        } catch (JwtException | JwtDecoderInitializationException e) {
            log.warn("Could not check a JWT against the configured issuer: {}", e.getMessage());
            throw new BadCredentialsException("the JWT could not be checked against the configured issuer");
        }
        return TokenClaims.principal(jwt.getClaims(), settings);
    }
}
