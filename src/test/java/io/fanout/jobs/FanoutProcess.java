package io.fanout.jobs;

import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged Fanout jar started as a separate process in database mode, for crash tests and benchmarks. */
final class FanoutProcess implements AutoCloseable {

    static final String TOKEN = "process-jobs-token";

    private final Process process;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FanoutProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the jar named by {@code -Dfanout.jar} (default: target/fanout-0.1.0-SNAPSHOT.jar). */
    static FanoutProcess start(String name, TestDatabase database, Path config, String heap, String... extra)
            throws IOException {
        String jar = System.getProperty("fanout.jar", "target/fanout-0.1.0-SNAPSHOT.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx" + heap,
                "-jar",
                jar,
                "--server.port=" + port,
                "--fanout.config=" + config,
                "--fanout.warm-up=false",
                "--spring.r2dbc.url=" + database.r2dbcUrl(),
                "--spring.r2dbc.username=" + database.username(),
                "--spring.r2dbc.password=" + (database.password() == null ? "" : database.password())));
        command.addAll(List.of(extra));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        Path.of("target", "fanout-process-" + name + ".log").toFile());
        builder.environment().put("FANOUT_JOBS_TOKEN", TOKEN);
        FanoutProcess started = new FanoutProcess(builder.start(), port);
        started.awaitHealthy(Duration.ofSeconds(90));
        return started;
    }

    /** CPU time the process has used so far. */
    double cpuSeconds() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(0.0);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(
                request.header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    /** SIGKILL: no shutdown hook runs, no lease is given back. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: graceful shutdown; true when the process ended within the timeout. */
    boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** SIGTERM without waiting, for tests that watch the shutdown as it happens. */
    void signalTerm() {
        process.destroy();
    }

    /** Waits for the process to end; true when it did within the timeout. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The exit code, once the process has ended. */
    int exitCode() {
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void awaitHealthy(Duration timeout) {
        Eventually.await(
                timeout,
                "instance on port " + port + " up",
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Fanout exited with " + process.exitValue() + "; see target/");
                    }
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(uri("/actuator/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                },
                () -> "not answering");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
