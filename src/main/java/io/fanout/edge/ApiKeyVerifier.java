package io.fanout.edge;

import io.fanout.definition.ClientsDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds which configured API key a presented key is: its SHA-256 digest compared with every configured digest in
 * constant time, without stopping at a match, so timing tells nothing about which digest came close. The raw key is
 * hashed and dropped; it is never logged, stored or shown.
 */
final class ApiKeyVerifier {

    private record Key(ClientsDefinition.ApiKey definition, byte[] digest) {}

    private final String header;
    private final List<Key> keys;

    ApiKeyVerifier(ClientsDefinition.ApiKeys definition) {
        this.header = definition.header();
        this.keys = definition.keys().values().stream()
                .map(k -> new Key(k, HexFormat.of().parseHex(k.sha256())))
                .toList();
    }

    String header() {
        return header;
    }

    /** The key's definition, or null when it is none of the configured keys. */
    ClientsDefinition.@Nullable ApiKey find(String presented) {
        byte[] digest = sha256(presented);
        ClientsDefinition.ApiKey found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.digest(), digest)) {
                found = k.definition();
            }
        }
        return found;
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
