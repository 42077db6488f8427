package io.fanout.edge;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real RSA and EC keys generated for a test, the JWKS that publishes them, and tokens signed with them. */
final class TestTokens {

    static final String ISSUER = "https://auth.test/";
    static final String AUDIENCE = "fanout";

    private TestTokens() {}

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwks(JWK... keys) {
        List<JWK> pub = new ArrayList<>();
        for (JWK k : keys) {
            pub.add(k.toPublicJWK());
        }
        return new JWKSet(pub).toString();
    }

    /** Standard valid claims for {@code sub}, expiring in 5 minutes, plus {@code extra}. */
    static JWTClaimsSet.Builder claims(String sub, Map<String, Object> extra) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject(sub)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .issueTime(new java.util.Date())
                .expirationTime(java.util.Date.from(Instant.now().plusSeconds(300)));
        extra.forEach(b::claim);
        return b;
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        try {
            if (key instanceof RSAKey rsa) {
                SignedJWT jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .keyID(key.getKeyID())
                                .build(),
                        claims);
                jwt.sign(new RSASSASigner(rsa));
                return jwt.serialize();
            }
            ECKey ec = (ECKey) key;
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new ECDSASigner(ec));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic confusion attack: HS256 "signed" with the RSA public key's bytes as the shared secret. */
    static String hmacWithPublicKey(RSAKey key, JWTClaimsSet claims) {
        try {
            byte[] secret = key.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code "alg":"none"}). */
    static String unsigned(JWTClaimsSet claims) {
        Base64URL header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return header + "." + Base64URL.encode(claims.toString()) + ".";
    }
}
