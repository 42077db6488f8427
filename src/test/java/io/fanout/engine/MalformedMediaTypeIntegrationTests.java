package io.fanout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.testsupport.FanoutIntegrationTests;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A malformed {@code Accept} header is the client's error: a 400 problem, never a 500 with an ERROR and a stack trace
 * in the log (which any caller could repeat to flood the log and page someone). Sent over a raw socket, since HTTP
 * clients refuse to send such a header.
 */
class MalformedMediaTypeIntegrationTests extends FanoutIntegrationTests {

    @Test
    void shouldAnswer400ToAMalformedAcceptHeaderWithoutLoggingAnError() throws IOException {
        String answer;
        List<String> errors;
        try (LogCapture logs = new LogCapture()) {
            answer = exchange("GET /admin/config HTTP/1.1\r\nHost: fanout\r\nAccept: ///\r\n" + "Authorization: Bearer "
                    + ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n");
            errors = logs.events("").stream()
                    .filter(e -> e.getLevel().toString().equals("ERROR"))
                    .map(LogCapture::printed)
                    .toList();
        }

        assertThat(answer)
                .startsWith("HTTP/1.1 400")
                .contains("application/problem+json")
                .contains("malformed media type")
                .doesNotContain("Exception");
        assertThat(errors).isEmpty();
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
