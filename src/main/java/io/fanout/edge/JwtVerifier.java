package io.fanout.edge;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.fanout.definition.ClientsDefinition;
import java.text.ParseException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Checks a bearer JWT with Nimbus JOSE+JWT (SPEC §8): only the configured asymmetric algorithms (so {@code none}
 * and HMAC-with-the-public-key are refused before any key is looked at), the signature against the issuer's JWKS,
 * the exact issuer, one of the audiences, {@code exp}/{@code nbf} with the clock skew, and a {@code sub}. The
 * processor is built once per fetched key set, never per request.
 */
final class JwtVerifier {

    /** A verified token. */
    record Verified(String subject, Map<String, Object> claims, Set<String> scopes) {}

    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final JOSEObjectType APPLICATION_AT_JWT = new JOSEObjectType("application/at+jwt");

    private final ClientsDefinition.Jwt definition;
    private final JwksCache jwks;
    private final Set<JWSAlgorithm> algorithms = new HashSet<>();
    private final AtomicReference<@Nullable Built> processor = new AtomicReference<>();

    private record Built(JwksCache.Keys keys, DefaultJWTProcessor<SecurityContext> processor) {}

    JwtVerifier(ClientsDefinition.Jwt definition, JwksCache jwks) {
        this.definition = definition;
        this.jwks = jwks;
        definition.algorithms().forEach(a -> algorithms.add(JWSAlgorithm.parse(a)));
    }

    ClientsDefinition.Jwt definition() {
        return definition;
    }

    JwksCache jwks() {
        return jwks;
    }

    /** The verified token, or a {@link EdgeRefusal.Refused} error (401, or 503 when the keys cannot be fetched). */
    Mono<Verified> verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            // also an unsigned ("alg": "none") token: it is not a JWS
            return Mono.error(
                    EdgeRefusal.invalid("the bearer token is not a signed JWT").error());
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(alg)) {
            return Mono.error(
                    EdgeRefusal.invalid("algorithm " + alg + " is not accepted").error());
        }
        return jwks.keys(jwt.getHeader().getKeyID()).flatMap(keys -> {
            try {
                JWTClaimsSet claims = processor(keys).process(jwt, null);
                return Mono.just(new Verified(claims.getSubject(), claims.toJSONObject(), scopes(claims)));
            } catch (BadJOSEException | JOSEException e) {
                return Mono.error(EdgeRefusal.invalid("the bearer token is not valid: " + e.getMessage())
                        .error());
            }
        });
    }

    private DefaultJWTProcessor<SecurityContext> processor(JwksCache.Keys keys) {
        Built built = processor.get();
        if (built != null && built.keys() == keys) {
            return built.processor();
        }
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        // RFC 9068 access tokens are typed at+jwt; plain JWT and untyped tokens are what most providers issue
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, AT_JWT, APPLICATION_AT_JWT, null));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, new ImmutableJWKSet<>(keys.set())));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new HashSet<>(definition.audiences()),
                new JWTClaimsSet.Builder().issuer(definition.issuer()).build(),
                Set.of("sub", "exp"),
                null);
        claims.setMaxClockSkew(
                (int) Math.min(Integer.MAX_VALUE, definition.clockSkew().toSeconds()));
        p.setJWTClaimsSetVerifier(claims);
        processor.set(new Built(keys, p));
        return p;
    }

    /** {@code scope} (space-separated, RFC 8693/9068) and {@code scp} (a list or a string), together. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new LinkedHashSet<>();
        for (String name : List.of("scope", "scp")) {
            Object v = claims.getClaim(name);
            if (v instanceof String s) {
                for (String part : s.split(" ")) {
                    if (!part.isEmpty()) {
                        scopes.add(part);
                    }
                }
            } else if (v instanceof List<?> list) {
                list.forEach(item -> scopes.add(String.valueOf(item)));
            }
        }
        return scopes;
    }
}
