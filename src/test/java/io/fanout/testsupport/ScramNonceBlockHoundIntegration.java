package io.fanout.testsupport;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the SCRAM client nonce that r2dbc-postgresql draws on the event loop during a password (scram-sha-256)
 * login. It is the only blocking call BlockHound sees there, and it does not block in practice:
 * <ul>
 *   <li>{@code new SecureRandom()} on Linux is {@code NativePRNG}, whose {@code nextBytes} reads {@code /dev/urandom}
 *       (never {@code /dev/random}); {@code /dev/urandom} does not wait once the kernel's generator is seeded at boot,
 *       long before a JVM starts. {@code NativePRNG} also buffers 32 bytes and reads the device at most every
 *       100 ms, so a burst of logins costs one small read.</li>
 *   <li>Moving the nonce off the loop is not ours to do: the driver computes it inside its start-up message flow
 *       ({@code SASLAuthenticationHandler}), and the login happens on the connection's event loop by design.</li>
 *   <li>The driver's own integration tests allow-list {@code SecureRandom#next} for the same reason
 *       (pgjdbc/r2dbc-postgresql, {@code BlockhoundExceptions}); this is narrower: only the SCRAM nonce.</li>
 * </ul>
 * Without it every password login in a test fails with "Blocking call! java.io.FileInputStream#readBytes", which is
 * why a trust-auth PostgreSQL hid it (see {@code PasswordLoginIntegrationTests}).
 */
public final class ScramNonceBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions", "nonce");
    }
}
