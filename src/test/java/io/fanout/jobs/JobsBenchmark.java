package io.fanout.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.json.JsonCodec;
import io.fanout.testsupport.Eventually;
import io.fanout.testsupport.FakeUpstream;
import io.fanout.testsupport.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Not part of the build (the name matches no test pattern). Run it after {@code ./mvnw package -DskipTests}:
 * {@code ./mvnw -B -ntp -o test -Dtest=JobsBenchmark -Dsurefire.failIfNoSpecifiedTests=false}; it starts the
 * packaged jar as its own process (no BlockHound, no test context) and prints the figures recorded in
 * docs/benchmarks-jobs.md.
 */
class JobsBenchmark {

    private static final int QUEUE_ITEMS = Integer.getInteger("bench.items", 20_000);
    private static final int UPLOAD_ROWS = Integer.getInteger("bench.rows", 1_000_000);

    private TestDatabase database;

    @Test
    void measureQueueThroughputAndUploadMemory() throws Exception {
        database = TestDatabase.create();
        try (FakeUpstream users = FakeUpstream.start()) {
            users.on("*", FakeUpstream.json("{\"ok\":true}"));
            Path config = Files.createTempFile("fanout-bench", ".yaml");
            Files.writeString(config, """
                    upstreams:
                      users: { url: "%s", timeout: 2s, max-connections: 256 }
                    endpoints:
                      user:
                        path: /v1/users/{id}
                        calls:
                          user: { upstream: users, path: "/users/{path.id}", query: { limit: "{query.limit|10}" } }
                    """.formatted(users.url()));
            try (FanoutProcess fanout =
                    FanoutProcess.start("bench", database, config, "256m", "--fanout.jobs.workers=64")) {
                throughput(fanout, 2_000); // warm-up: JIT, pools, connections
                StringBuilder report = new StringBuilder();
                String loadBefore = loadAverage();
                report.append(throughput(fanout, QUEUE_ITEMS));
                report.append(upload(fanout));
                report.append("load average (1, 5, 15 min; this machine has ")
                        .append(Runtime.getRuntime().availableProcessors())
                        .append(" CPUs): ")
                        .append(loadBefore)
                        .append(" before, ")
                        .append(loadAverage())
                        .append(" after\n");
                System.out.println(report);
                Files.writeString(Path.of("target", "benchmarks-jobs.txt"), report);
            } finally {
                Files.deleteIfExists(config);
            }
        } finally {
            database.close();
        }
    }

    private String throughput(FanoutProcess fanout, int items) throws Exception {
        double[] before = timers(fanout);
        double fanoutCpuBefore = fanout.cpuSeconds();
        double postgresCpuBefore = postgresCpuSeconds();
        double benchCpuBefore = ownCpuSeconds();
        StringBuilder ndjson = new StringBuilder();
        for (int i = 1; i <= items; i++) {
            ndjson.append("{\"id\":\"").append(i).append("\"}\n");
        }
        HttpResponse<String> submitted =
                fanout.send(HttpRequest.newBuilder(fanout.uri("/jobs?endpoint=user&concurrency=64"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String location = submitted.headers().firstValue("Location").orElseThrow();
        Eventually.await(
                Duration.ofMinutes(10),
                "job done",
                () -> state(fanout, location).equals("completed"),
                () -> state(fanout, location));
        JsonNode job = job(fanout, location);
        double[] after = timers(fanout);
        double fanoutCpu = fanout.cpuSeconds() - fanoutCpuBefore;
        double postgresCpu = postgresCpuSeconds() - postgresCpuBefore;
        double benchCpu = ownCpuSeconds() - benchCpuBefore;
        Duration wall = Duration.between(
                Instant.parse(job.get("startedAt").asString()),
                Instant.parse(job.get("finishedAt").asString()));
        double seconds = wall.toNanos() / 1e9;
        double claim = after[0] - before[0];
        double write = after[2] - before[2];
        return String.format(
                "queue: %d items, 0 ms upstream, concurrency 64, 64 worker slots: %.2f s from first"
                        + " claim to completion = %.0f items/s (succeeded %d)%n"
                        + "  database time on the worker pipeline: claims %.2f s in %d transactions (%.1f ms each),"
                        + " result writes %.2f s in %d batches (%.1f ms each) = %.0f%% of the wall time (the two"
                        + " stages overlap)%n"
                        + "  CPU over the run: Fanout JVM %.1f s, PostgreSQL backends %.1f s, fake upstream + this"
                        + " client %.1f s -> database share of the CPU cost %.0f%% (%.2f ms of database CPU per item)%n",
                items,
                seconds,
                items / seconds,
                job.get("succeeded").asInt(),
                claim,
                (long) (after[1] - before[1]),
                1000 * claim / Math.max(1, after[1] - before[1]),
                write,
                (long) (after[3] - before[3]),
                1000 * write / Math.max(1, after[3] - before[3]),
                100 * (claim + write) / seconds,
                fanoutCpu,
                postgresCpu,
                benchCpu,
                100 * postgresCpu / (fanoutCpu + postgresCpu + benchCpu),
                1000 * postgresCpu / items);
    }

    private String upload(FanoutProcess fanout) throws Exception {
        System.gc();
        long baseline = heapUsed(fanout);
        AtomicLong peak = new AtomicLong(baseline);
        AtomicBoolean uploading = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (uploading.get()) {
                try {
                    peak.accumulateAndGet(heapUsed(fanout), Math::max);
                    Thread.sleep(200);
                } catch (Exception e) {
                    return;
                }
            }
        });
        sampler.start();
        long start = System.nanoTime();
        HttpResponse<String> submitted =
                fanout.send(HttpRequest.newBuilder(fanout.uri("/jobs?endpoint=user&concurrency=1"))
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new CsvRows(UPLOAD_ROWS))));
        double seconds = (System.nanoTime() - start) / 1e9;
        uploading.set(false);
        sampler.join();
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String location = submitted.headers().firstValue("Location").orElseThrow();
        fanout.send(HttpRequest.newBuilder(fanout.uri(location)).DELETE());
        JsonNode job = job(fanout, location);
        return String.format(
                "upload: %d CSV rows (%.1f MB) streamed in %.1f s = %.0f rows/s, total %d;"
                        + " heap used (-Xmx256m) %.0f MB before, peak %.0f MB while uploading%n",
                UPLOAD_ROWS,
                CsvRows.size(UPLOAD_ROWS) / 1e6,
                seconds,
                UPLOAD_ROWS / seconds,
                job.get("total").asInt(),
                baseline / 1e6,
                peak.get() / 1e6);
    }

    /**
     * CPU of the PostgreSQL backends serving this benchmark's database (other databases on the same server belong to
     * other work), from /proc; the server must run on this machine.
     */
    private double postgresCpuSeconds() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        }
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in ticks
            } catch (IOException | RuntimeException gone) {
                // the session ended meanwhile
            }
        }
        return total;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double ownCpuSeconds() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(0.0);
    }

    private static String state(FanoutProcess fanout, String location) {
        try {
            return job(fanout, location).get("state").asString();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static JsonNode job(FanoutProcess fanout, String location) throws Exception {
        return JsonCodec.MAPPER.readTree(fanout.get(location).body());
    }

    /** claim seconds sum and count, write seconds sum and count. */
    private static double[] timers(FanoutProcess fanout) throws Exception {
        String metrics = fanout.get("/actuator/prometheus").body();
        return new double[] {
            metric(metrics, "fanout_jobs_claim_seconds_sum"),
            metric(metrics, "fanout_jobs_claim_seconds_count"),
            metric(metrics, "fanout_jobs_write_seconds_sum"),
            metric(metrics, "fanout_jobs_write_seconds_count")
        };
    }

    private static long heapUsed(FanoutProcess fanout) throws Exception {
        String metrics = fanout.get("/actuator/prometheus").body();
        return (long) metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static double metric(String metrics, String name) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A CSV of {@code rows} rows generated as it is read: the benchmark itself holds no file in memory. */
    private static final class CsvRows extends InputStream {
        private final int rows;
        private int next;
        private byte[] line = "id,limit\n".getBytes(StandardCharsets.US_ASCII);
        private int pos;

        CsvRows(int rows) {
            this.rows = rows;
        }

        static long size(int rows) {
            long n = "id,limit\n".length();
            for (int i = 1; i <= rows; i++) {
                n += Integer.toString(i).length() + 3;
            }
            return n;
        }

        @Override
        public int read() {
            if (pos == line.length) {
                if (next == rows) {
                    return -1;
                }
                next++;
                line = (next + ",5\n").getBytes(StandardCharsets.US_ASCII);
                pos = 0;
            }
            return line[pos++];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }
}
