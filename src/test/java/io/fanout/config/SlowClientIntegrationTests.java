package io.fanout.config;

import static io.fanout.testsupport.FakeUpstream.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Slow clients over a raw loopback socket: a client trickling its headers byte by byte (slowloris) is cut at
 * {@code fanout.server.header-timeout} even though bytes keep coming (Reactor Netty's idle timeout alone restarts with
 * every byte), a body that stops arriving is cut at {@code fanout.server.body-read-timeout}, and the time a kept-alive
 * connection waits between requests does not count against the header deadline. A body trickled just fast enough to
 * dodge the read timeout is cut at {@code fanout.server.body-timeout}.
 */
@TestPropertySource(
        properties = {
            "fanout.server.header-timeout=1s",
            "fanout.server.body-read-timeout=1s",
            "fanout.server.body-timeout=2s"
        })
class SlowClientIntegrationTests extends FanoutIntegrationTests {

    /** Far above the 1s timeouts under test (a loaded 2-core box), far below "never". */
    private static final Duration CUT_WITHIN = Duration.ofSeconds(20);

    @Test
    void shouldCutAClientThatTricklesItsHeaders() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            out.write("GET /actuator/health HTTP/1.1\r\nHost: fanout\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();

            Cut cut = trickleUntilCut(socket, out, started);

            assertThat(cut.closed())
                    .as("connection cut while the client kept sending header bytes")
                    .isTrue();
            assertThat(cut.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(cut.answer())
                    .as("no answer to a request whose headers never ended")
                    .isEmpty();
        }
    }

    @Test
    void shouldCutABodyThatStopsArriving() throws IOException {
        install("""
                upstreams:
                  sc: { url: "${A}" }
                endpoints:
                  sc-post:
                    method: POST
                    path: /sc-post
                    calls:
                      fwd: { upstream: sc, method: POST, path: /fwd, body: "{body}" }
                """);
        A.on("/fwd", json("{}"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) CUT_WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(("POST /sc-post HTTP/1.1\r\nHost: fanout\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"a\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answer = readUntilClosed(socket.getInputStream());

            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(CUT_WITHIN);
            assertThat(A.seen("/fwd"))
                    .as("nothing sent upstream for a body that never arrived")
                    .isEmpty();
            assertThat(answer).doesNotContain("200 OK");
        }
    }

    @Test
    void shouldCutABodyTrickledJustFastEnoughToDodgeTheReadTimeout() throws IOException {
        install("""
                upstreams:
                  sc2: { url: "${A}" }
                endpoints:
                  sc-trickle:
                    method: POST
                    path: /sc-trickle
                    calls:
                      fwd: { upstream: sc2, method: POST, path: /fwd2, body: "{body}" }
                """);
        A.on("/fwd2", json("{}"));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(100);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sc-trickle HTTP/1.1\r\nHost: fanout\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();

            // one byte per 100ms: the 1s read timeout never fires, the 1000 bytes would take 100s
            Cut cut = trickleUntilCut(socket, out, started);

            assertThat(cut.closed()).as("cut while the body kept trickling").isTrue();
            assertThat(cut.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(1800));
            assertThat(A.seen("/fwd2")).isEmpty();
        }
    }

    @Test
    void shouldNotCountTheWaitBetweenKeptAliveRequestsAgainstTheHeaderDeadline()
            throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) CUT_WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request =
                    "GET /actuator/health HTTP/1.1\r\nHost: fanout\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

            out.write(request);
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
            Thread.sleep(3_000); // three header deadlines, idle on a kept-alive connection (test thread, not src/main)
            out.write(request);
            out.flush();

            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        }
    }

    private record Cut(boolean closed, Duration elapsed, String answer) {}

    /** Sends one header byte per read timeout (100ms) until the server closes the connection or time is up. */
    private static Cut trickleUntilCut(Socket socket, OutputStream out, long started) {
        InputStream in;
        StringBuilder answer = new StringBuilder();
        try {
            in = socket.getInputStream();
        } catch (IOException e) {
            return new Cut(true, Duration.ofNanos(System.nanoTime() - started), "");
        }
        while (Duration.ofNanos(System.nanoTime() - started).compareTo(CUT_WITHIN) < 0) {
            try {
                out.write(' ');
                out.flush();
                int b = in.read();
                if (b < 0) {
                    return new Cut(true, Duration.ofNanos(System.nanoTime() - started), answer.toString());
                }
                answer.append((char) b);
            } catch (SocketTimeoutException stillOpen) {
                // nothing from the server within 100ms: send the next byte
            } catch (IOException reset) {
                return new Cut(true, Duration.ofNanos(System.nanoTime() - started), answer.toString());
            }
        }
        return new Cut(false, CUT_WITHIN, answer.toString());
    }

    private static String readUntilClosed(InputStream in) {
        StringBuilder text = new StringBuilder();
        try {
            for (int b = in.read(); b >= 0; b = in.read()) {
                text.append((char) b);
            }
        } catch (IOException closedOrReset) {
            // the server cut the connection: what arrived before is the answer
        }
        return text.toString();
    }

    /** Reads one response with a Content-Length body (the health answer is small and never chunked here). */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(
                lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
        return head.toString();
    }
}
