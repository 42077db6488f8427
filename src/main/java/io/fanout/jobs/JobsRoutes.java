package io.fanout.jobs;

import io.fanout.engine.ActiveConfig;
import io.fanout.json.JsonBytes;
import io.fanout.web.ProblemWriter;
import io.fanout.web.auth.AccessGuard;
import io.fanout.web.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code /jobs} API of SPEC §5 in database mode, as HTTP: submit (JSON or a streamed CSV/NDJSON upload, parsed
 * by {@link Submissions}), read one job or a page of them, stream results in item order ({@link ResultLines}) and
 * progress events, cancel. Every route needs the jobs (or admin) bearer token.
 */
final class JobsRoutes {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");
    private static final MediaType CSV = MediaType.parseMediaType("text/csv");
    private static final Set<String> STATES =
            Set.of(JobView.QUEUED, JobView.RUNNING, JobView.COMPLETED, JobView.CANCELLED);

    private final JobStore store;
    private final JobsProperties properties;
    private final AccessGuard auth;
    private final Submissions submissions;
    private final ResultLines resultLines;
    private final Duration followPoll;

    JobsRoutes(JobStore store, ActiveConfig active, JobsProperties properties, Authenticator tokens) {
        this.store = store;
        this.properties = properties;
        this.auth = new AccessGuard(
                tokens,
                "fanout-jobs",
                "the jobs API is disabled: set FANOUT_JOBS_TOKEN (or"
                        + " FANOUT_ADMIN_TOKEN) to a secret token and send it as 'Authorization: Bearer <token>'");
        this.submissions = new Submissions(active, properties);
        this.followPoll = properties.pollInterval().compareTo(Duration.ofMillis(250)) < 0
                ? properties.pollInterval()
                : Duration.ofMillis(250);
        this.resultLines = new ResultLines(store, followPoll);
    }

    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
                .path(
                        "/jobs",
                        b -> b.filter((request, next) ->
                                        authorize(request).switchIfEmpty(Mono.defer(() -> next.handle(request))))
                                .POST("", this::submit)
                                .GET("", this::list)
                                .GET("/{id}", r -> withJob(r, job -> json(200, job.json())))
                                .DELETE("/{id}", this::cancel)
                                .GET("/{id}/results", this::results)
                                .GET("/{id}/events", this::events)
                                .route(r -> true, JobsRoutes::notFound))
                .build();
    }

    private static Mono<ServerResponse> notFound(ServerRequest r) {
        String path = r.path();
        boolean known = path.equals("/jobs") || path.matches("/jobs/[^/]+(/results|/events)?");
        if (known && r.method() != HttpMethod.HEAD) {
            HttpHeaders h = new HttpHeaders();
            String allowed = path.equals("/jobs")
                    ? "GET, POST"
                    : path.endsWith("/results") || path.endsWith("/events") ? "GET" : "GET, DELETE";
            h.set(HttpHeaders.ALLOW, allowed);
            return ProblemWriter.response(
                    r.exchange(),
                    405,
                    "method " + r.method().name() + " is not allowed on " + path + " (allowed: " + allowed + ")",
                    h);
        }
        return ProblemWriter.response(r.exchange(), 404, "no jobs resource at " + path, null);
    }

    private Mono<ServerResponse> authorize(ServerRequest request) {
        return auth.refusal(request);
    }

    // ---- submit ----------------------------------------------------------------------------------------------

    private Mono<ServerResponse> submit(ServerRequest request) {
        String key = request.headers().firstHeader("Idempotency-Key");
        if (key != null && (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            return problem(request, 400, "Idempotency-Key must be 1-255 visible ASCII characters");
        }
        Mono<ServerResponse> replay = key == null
                ? Mono.empty()
                : store.findByIdempotencyKey(key).flatMap(store::job).flatMap(job -> accepted(job, true));
        return replay.switchIfEmpty(Mono.defer(() -> newJob(request, key)))
                .onErrorResume(UploadException.class, e -> problem(request, e.status(), e.getMessage()));
    }

    private Mono<ServerResponse> newJob(ServerRequest request, @Nullable String key) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return jsonSubmission(request, key);
        }
        if (type != null && (CSV.isCompatibleWith(type) || NDJSON.isCompatibleWith(type))) {
            return upload(request, key, CSV.isCompatibleWith(type) ? "text/csv" : "application/x-ndjson");
        }
        return problem(
                request,
                415,
                "submit application/json, or upload text/csv or application/x-ndjson" + " with ?endpoint=NAME"
                        + (type == null ? "" : " (got " + type + ")"));
    }

    private Mono<ServerResponse> upload(ServerRequest request, @Nullable String key, String mediaType) {
        Submissions.Submission submission = submissions.upload(
                request.queryParam("endpoint").orElse(null),
                request.queryParam("concurrency").orElse(null),
                mediaType,
                request.body(BodyExtractors.toDataBuffers()));
        return store(submission, key);
    }

    private Mono<ServerResponse> jsonSubmission(ServerRequest request, @Nullable String key) {
        return submissions
                .json(request.body(BodyExtractors.toDataBuffers()))
                .flatMap(submission -> store(submission, key));
    }

    private Mono<ServerResponse> store(Submissions.Submission submission, @Nullable String key) {
        return store.submit(
                        submission.endpoint(),
                        submission.concurrency(),
                        key,
                        submission.items(),
                        properties.insertBatch(),
                        properties.lease())
                .flatMap(this::acceptedSubmission);
    }

    private Mono<ServerResponse> acceptedSubmission(JobStore.Submitted submitted) {
        return store.job(submitted.id()).flatMap(job -> accepted(job, submitted.existing()));
    }

    private static Mono<ServerResponse> accepted(JobView job, boolean replayed) {
        ServerResponse.BodyBuilder b = ServerResponse.accepted().location(java.net.URI.create(job.location()));
        if (replayed) {
            b.header("Idempotent-Replayed", "true");
        }
        byte[] body = job.json();
        return b.contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.length)
                .body((message, context) ->
                        message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }

    // ---- read, list, cancel ----------------------------------------------------------------------------------

    private Mono<ServerResponse> withJob(
            ServerRequest request, java.util.function.Function<JobView, Mono<ServerResponse>> then) {
        Long id = id(request);
        if (id == null) {
            return problem(request, 404, "no job " + request.pathVariable("id"));
        }
        return store.job(id).flatMap(then).switchIfEmpty(Mono.defer(() -> problem(request, 404, "no job " + id)));
    }

    private static @Nullable Long id(ServerRequest request) {
        try {
            long id = Long.parseLong(request.pathVariable("id"));
            return id > 0 ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Mono<ServerResponse> list(ServerRequest request) {
        String state = request.queryParam("state").orElse(null);
        if (state != null && !STATES.contains(state)) {
            return problem(
                    request, 400, "state must be one of queued, running, completed, cancelled but was '" + state + "'");
        }
        int limit;
        long before;
        try {
            limit = Integer.parseInt(request.queryParam("limit").orElse("50"));
            before = Long.parseLong(request.queryParam("before").orElse(Long.toString(Long.MAX_VALUE)));
        } catch (NumberFormatException e) {
            return problem(request, 400, "limit and before must be whole numbers");
        }
        if (limit < 1 || limit > 500) {
            return problem(request, 400, "limit must be between 1 and 500 but was " + limit);
        }
        return store.jobs(state, before, limit).collectList().flatMap(jobs -> {
            JsonBytes out = new JsonBytes(128 + jobs.size() * 320);
            out.ascii("{\"jobs\":[");
            for (int i = 0; i < jobs.size(); i++) {
                if (i > 0) {
                    out.raw(',');
                }
                jobs.get(i).write(out);
            }
            out.ascii("],\"next\":");
            if (jobs.size() == limit) {
                out.string("/jobs?" + (state == null ? "" : "state=" + state + "&") + "limit=" + limit + "&before="
                        + jobs.get(jobs.size() - 1).id());
            } else {
                out.ascii("null");
            }
            out.raw('}');
            return json(200, out.toByteArray());
        });
    }

    private Mono<ServerResponse> cancel(ServerRequest request) {
        Long id = id(request);
        if (id == null) {
            return problem(request, 404, "no job " + request.pathVariable("id"));
        }
        return store.cancel(id)
                .flatMap(job -> job.state().equals(JobView.CANCELLED)
                        ? json(200, job.json())
                        : problem(request, 409, "job " + id + " is already " + job.state()))
                .switchIfEmpty(Mono.defer(() -> problem(request, 404, "no job " + id)));
    }

    // ---- results and events ----------------------------------------------------------------------------------

    private Mono<ServerResponse> results(ServerRequest request) {
        boolean follow = request.queryParam("follow").map(Boolean::parseBoolean).orElse(false);
        return withJob(
                request,
                job -> stream(
                        NDJSON,
                        resultLines.of(job.id(), follow).map(line -> (line + "\n").getBytes(StandardCharsets.UTF_8))));
    }

    private Mono<ServerResponse> events(ServerRequest request) {
        return withJob(request, first -> {
            AtomicReference<String> last = new AtomicReference<>("");
            Flux<byte[]> events = Flux.interval(Duration.ZERO, followPoll)
                    .onBackpressureDrop()
                    // a job deleted meanwhile (retention) ends the stream like a finished one
                    .<JobView>concatMap(
                            tick -> store.job(first.id()).defaultIfEmpty(first.withState(JobView.CANCELLED)), 1)
                    .takeUntil(JobView::finished)
                    .concatMap(job -> {
                        String json = new String(job.json(), StandardCharsets.UTF_8);
                        if (job.finished()) {
                            return Flux.just(sse("progress", json), sse("done", json));
                        }
                        return json.equals(last.getAndSet(json)) ? Flux.empty() : Flux.just(sse("progress", json));
                    });
            return stream(MediaType.TEXT_EVENT_STREAM, events);
        });
    }

    private static byte[] sse(String event, String data) {
        return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Mono<ServerResponse> stream(MediaType type, Flux<byte[]> chunks) {
        return ServerResponse.ok()
                .contentType(type)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .body((message, context) -> message.writeAndFlushWith(
                        chunks.map(c -> Mono.just(message.bufferFactory().wrap(c)))));
    }

    private static Mono<ServerResponse> json(int status, byte[] body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.length)
                .body((message, context) ->
                        message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }

    private static Mono<ServerResponse> problem(ServerRequest request, int status, String detail) {
        return ProblemWriter.response(request.exchange(), status, detail, null);
    }
}
