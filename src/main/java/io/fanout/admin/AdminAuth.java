package io.fanout.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;

/**
 * Checks {@code Authorization: Bearer <token>} against configured tokens in constant time (the comparison never
 * stops at the first differing byte, and tokens are compared as SHA-256 digests so their lengths do not leak).
 */
public final class AdminAuth {

    /** The outcome of a check. */
    public enum Result { DISABLED, MISSING, WRONG, OK }

    private final byte @Nullable [][] digests;

    /** @param tokens accepted tokens; none (or only blank ones) disables the API */
    public AdminAuth(@Nullable String... tokens) {
        java.util.List<byte[]> list = new java.util.ArrayList<>();
        for (String t : tokens) {
            if (t != null && !t.isBlank()) {
                list.add(sha256(t.trim()));
            }
        }
        this.digests = list.isEmpty() ? null : list.toArray(new byte[0][]);
    }

    public boolean enabled() {
        return digests != null;
    }

    public Result check(@Nullable String authorization) {
        if (digests == null) {
            return Result.DISABLED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Result.MISSING;
        }
        byte[] given = sha256(authorization.substring(7).trim());
        boolean ok = false;
        for (byte[] d : digests) {
            ok |= MessageDigest.isEqual(d, given);
        }
        return ok ? Result.OK : Result.WRONG;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
