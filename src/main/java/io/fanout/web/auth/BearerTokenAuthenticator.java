package io.fanout.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Checks {@code Authorization: Bearer <token>} against configured tokens in constant time: tokens are compared as
 * SHA-256 digests (so their lengths do not leak) with {@link MessageDigest#isEqual}, and every configured token is
 * compared whichever matches. Each token has a name, the principal of the requests made with it (the author of the
 * config versions written with it).
 */
public final class BearerTokenAuthenticator implements Authenticator {

    /** The name of {@code FANOUT_ADMIN_TOKEN} (or any unnamed token), recorded as the author of its changes. */
    public static final String DEFAULT_NAME = "admin";

    private final byte[][] digests;
    private final String[] names;

    /** @param tokens accepted tokens, all named {@value #DEFAULT_NAME}; none (or only blank ones) disables the API */
    public BearerTokenAuthenticator(@Nullable String... tokens) {
        this(unnamed(tokens));
    }

    /** @param namesByToken accepted tokens and the principal each one stands for; blank tokens are ignored */
    public BearerTokenAuthenticator(Map<String, String> namesByToken) {
        List<byte[]> digestList = new ArrayList<>();
        List<String> nameList = new ArrayList<>();
        namesByToken.forEach((token, name) -> {
            if (!token.isBlank()) {
                digestList.add(sha256(token.trim()));
                nameList.add(name);
            }
        });
        this.digests = digestList.toArray(new byte[0][]);
        this.names = nameList.toArray(new String[0]);
    }

    private static Map<String, String> unnamed(@Nullable String[] tokens) {
        Map<String, String> named = new LinkedHashMap<>();
        for (String t : tokens) {
            if (t != null && !t.isBlank()) {
                named.put(t, DEFAULT_NAME);
            }
        }
        return named;
    }

    /**
     * The admin API's tokens (SPEC §4): {@code FANOUT_ADMIN_TOKEN} (named {@value #DEFAULT_NAME}) plus named tokens
     * {@code fanout.admin.tokens.<name>} (e.g. the environment variable {@code FANOUT_ADMIN_TOKENS_ALICE}, named
     * {@code alice}).
     */
    public static BearerTokenAuthenticator admin(Environment environment) {
        Map<String, String> namesByToken = new LinkedHashMap<>();
        String single = environment.getProperty("FANOUT_ADMIN_TOKEN");
        if (single != null && !single.isBlank()) {
            namesByToken.put(single, DEFAULT_NAME);
        }
        Binder.get(environment)
                .bind("fanout.admin.tokens", Bindable.mapOf(String.class, String.class))
                .ifBound(named -> named.forEach((name, token) -> {
                    if (token != null && !token.isBlank()) {
                        namesByToken.put(token, name);
                    }
                }));
        return new BearerTokenAuthenticator(namesByToken);
    }

    /** The jobs API's tokens (SPEC §5): {@code FANOUT_JOBS_TOKEN} or the admin token. */
    public static BearerTokenAuthenticator jobs(Environment environment) {
        return new BearerTokenAuthenticator(
                environment.getProperty("FANOUT_JOBS_TOKEN"), environment.getProperty("FANOUT_ADMIN_TOKEN"));
    }

    /** Whether any token is configured. */
    public boolean enabled() {
        return digests.length > 0;
    }

    @Override
    public Mono<Authentication> authenticate(ServerRequest request) {
        return Mono.just(check(request.headers().firstHeader(HttpHeaders.AUTHORIZATION)));
    }

    /** The verdict on an {@code Authorization} header value. */
    public Authentication check(@Nullable String authorization) {
        if (digests.length == 0) {
            return Authentication.refused(Authentication.Status.DISABLED);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Authentication.refused(Authentication.Status.MISSING);
        }
        byte[] given = sha256(authorization.substring(7).trim());
        int match = -1;
        for (int i = 0; i < digests.length; i++) {
            // every digest is compared, whichever matches
            boolean equal = MessageDigest.isEqual(digests[i], given);
            match = equal ? i : match;
        }
        return match < 0 ? Authentication.refused(Authentication.Status.INVALID) : Authentication.of(names[match]);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
