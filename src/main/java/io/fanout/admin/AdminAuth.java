package io.fanout.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
import org.springframework.web.reactive.function.server.ServerResponse;

import io.fanout.web.ProblemWriter;
import reactor.core.publisher.Mono;

/**
 * Checks {@code Authorization: Bearer <token>} against configured tokens in constant time (the comparison never
 * stops at the first differing byte, and tokens are compared as SHA-256 digests so their lengths do not leak).
 * Each token has a name, recorded as the author of the config versions written with it.
 */
public final class AdminAuth {

    /** The author recorded for changes made with {@code FANOUT_ADMIN_TOKEN} (or any unnamed token). */
    public static final String DEFAULT_NAME = "admin";

    /** The outcome of a check. */
    public enum Result { DISABLED, MISSING, WRONG, OK }

    private final byte[][] digests;
    private final String[] names;

    /** @param tokens accepted tokens, all named {@value #DEFAULT_NAME}; none (or only blank ones) disables the API */
    public AdminAuth(@Nullable String... tokens) {
        this(unnamed(tokens));
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

    /** @param namesByToken accepted tokens and the author name each one stands for */
    private AdminAuth(Map<String, String> namesByToken) {
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

    /**
     * {@code FANOUT_ADMIN_TOKEN} (author {@value #DEFAULT_NAME}) plus named tokens {@code fanout.admin.tokens.<name>}
     * (e.g. the environment variable {@code FANOUT_ADMIN_TOKENS_ALICE}, author {@code alice}).
     */
    public static AdminAuth fromEnvironment(Environment environment) {
        Map<String, String> namesByToken = new LinkedHashMap<>();
        String single = environment.getProperty("FANOUT_ADMIN_TOKEN");
        if (single != null && !single.isBlank()) {
            namesByToken.put(single, DEFAULT_NAME);
        }
        Binder.get(environment).bind("fanout.admin.tokens", Bindable.mapOf(String.class, String.class))
                .ifBound(named -> named.forEach((name, token) -> {
                    if (token != null && !token.isBlank()) {
                        namesByToken.put(token, name);
                    }
                }));
        return new AdminAuth(namesByToken);
    }

    public boolean enabled() {
        return digests.length > 0;
    }

    public Result check(@Nullable String authorization) {
        return authenticate(authorization).result();
    }

    /** The outcome of a check and, when it is {@link Result#OK}, the token's name. */
    public record Outcome(Result result, @Nullable String name) {
    }

    /** As {@link #check(String)}, also naming the token (the author of changes made with it). */
    public Outcome authenticate(@Nullable String authorization) {
        if (digests.length == 0) {
            return new Outcome(Result.DISABLED, null);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Outcome(Result.MISSING, null);
        }
        byte[] given = sha256(authorization.substring(7).trim());
        int match = -1;
        for (int i = 0; i < digests.length; i++) {
            // every digest is compared, whichever matches
            boolean equal = MessageDigest.isEqual(digests[i], given);
            match = equal ? i : match;
        }
        return match < 0 ? new Outcome(Result.WRONG, null) : new Outcome(Result.OK, names[match]);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /**
     * The answer to a request whose token check gave {@code result}: nothing for {@link Result#OK} (go on), 403 with
     * {@code disabledDetail} when no token is configured, 401 with a {@code WWW-Authenticate} challenge otherwise.
     */
    public static Mono<ServerResponse> refusal(ServerRequest request, Result result, String realm,
            String disabledDetail) {
        return switch (result) {
            case OK -> Mono.empty();
            case DISABLED -> ProblemWriter.response(request.exchange(), 403, disabledDetail, null);
            case MISSING, WRONG -> {
                HttpHeaders h = new HttpHeaders();
                h.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
                yield ProblemWriter.response(request.exchange(), 401,
                        result == Result.MISSING ? "missing bearer token" : "wrong bearer token", h);
            }
        };
    }
}
