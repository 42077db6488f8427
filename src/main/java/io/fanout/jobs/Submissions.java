package io.fanout.jobs;

import io.fanout.engine.ActiveConfig;
import io.fanout.json.JsonBytes;
import io.fanout.json.JsonCodec;
import io.fanout.plan.CompiledConfig;
import io.fanout.plan.EndpointPlan;
import io.fanout.web.Buffers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a submission into a job's endpoint, concurrency and items (SPEC §5): a streamed CSV/NDJSON upload is parsed
 * as its bytes arrive (bounded memory for any size), the JSON form is read whole up to {@code max-json-body}. Every
 * refusal is an {@link UploadException} naming the line, item or field.
 */
final class Submissions {

    /** A parsed submission; {@code items} is lazy for uploads (parsed while the store consumes it). */
    record Submission(String endpoint, int concurrency, Flux<JobStore.NewItem> items) {}

    private static final Set<String> JSON_KEYS = Set.of("endpoint", "items", "concurrency");

    private final ActiveConfig active;
    private final JobsProperties properties;

    Submissions(ActiveConfig active, JobsProperties properties) {
        this.active = active;
        this.properties = properties;
    }

    /** A streamed upload; its items fail with an {@link UploadException} at the first bad line. */
    Submission upload(
            @Nullable String endpoint, @Nullable String concurrencyParam, String mediaType, Flux<DataBuffer> body) {
        if (endpoint == null || endpoint.isBlank()) {
            throw new UploadException("query parameter 'endpoint' is required for an upload");
        }
        int concurrency = concurrency(concurrencyParam);
        Target target = target(endpoint);
        int maxLength = (int) properties.maxLineLength().toBytes();
        LineSplitter splitter = new LineSplitter(maxLength);
        RecordReader reader = RecordReader.forMediaType(mediaType, maxLength);
        AtomicInteger count = new AtomicInteger();
        Duration idle = properties.uploadIdleTimeout();
        Flux<JobStore.NewItem> items = body.timeout(
                        idle,
                        Flux.error(() -> new UploadException(
                                408, "the upload sent nothing for " + idle.toSeconds() + "s; nothing was stored")))
                .concatMap(
                        buffer -> {
                            try {
                                return Flux.fromIterable(splitter.feed(buffer));
                            } finally {
                                DataBufferUtils.release(buffer);
                            }
                        },
                        1)
                .concatWith(Flux.defer(() -> Flux.fromIterable(splitter.finish())))
                .<JobStore.NewItem>handle((line, sink) -> {
                    RecordReader.Row row = reader.next(line);
                    if (row != null) {
                        target.schema().check(row.fields(), "line " + row.line() + ": ");
                        sink.next(item(count, row.fields(), "line " + row.line() + ": "));
                    }
                })
                .concatWith(Mono.fromRunnable(reader::finish));
        return new Submission(endpoint, concurrency, items);
    }

    /** The JSON form {@code {"endpoint", "items", "concurrency"}}, read whole. */
    Mono<Submission> json(Flux<DataBuffer> body) {
        int limit = (int) properties.maxJsonBody().toBytes();
        return DataBufferUtils.join(body, limit)
                .onErrorMap(
                        DataBufferLimitException.class,
                        e -> new UploadException(
                                413,
                                "the JSON body is larger" + " than " + limit
                                        + " bytes; upload text/csv or application/x-ndjson instead"))
                .map(Buffers::bytes)
                .switchIfEmpty(Mono.error(() -> new UploadException("the request body is empty")))
                .map(this::json);
    }

    private Submission json(byte[] body) {
        JsonNode root;
        try {
            root = JsonCodec.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new UploadException("the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new UploadException("the request body must be a JSON object with endpoint and items");
        }
        for (String name : root.propertyNames()) {
            if (!JSON_KEYS.contains(name)) {
                throw new UploadException("unknown key '" + name + "' (known: endpoint, items, concurrency)");
            }
        }
        JsonNode endpointNode = root.get("endpoint");
        if (endpointNode == null
                || !endpointNode.isString()
                || endpointNode.asString().isBlank()) {
            throw new UploadException("endpoint: required, the name of a composite endpoint");
        }
        JsonNode concurrencyNode = root.get("concurrency");
        if (concurrencyNode != null && !concurrencyNode.isIntegralNumber()) {
            throw new UploadException("concurrency must be a whole number but was " + concurrencyNode);
        }
        int concurrency = concurrency(concurrencyNode == null ? null : concurrencyNode.asString());
        String endpoint = endpointNode.asString();
        Target target = target(endpoint);
        JsonNode array = root.get("items");
        if (array == null || !array.isArray()) {
            throw new UploadException("items: required, an array of objects");
        }
        AtomicInteger count = new AtomicInteger();
        List<JobStore.NewItem> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode node = array.get(i);
            String where = "items[" + i + "]: ";
            if (!node.isObject()) {
                throw new UploadException(where + "must be an object of fields");
            }
            Map<String, String> fields = RecordReader.Ndjson.fields(node, where + "field ");
            target.schema().check(fields, where);
            items.add(item(count, fields, where));
        }
        return new Submission(endpoint, concurrency, Flux.fromIterable(items));
    }

    private record Target(EndpointPlan plan, ItemSchema schema) {}

    private Target target(String endpoint) {
        CompiledConfig config = active.current();
        EndpointPlan plan = ItemSchema.plan(config, endpoint);
        if (plan == null) {
            List<String> known =
                    config.endpoints().stream().map(EndpointPlan::name).toList();
            throw new UploadException(
                    404,
                    "no endpoint named '" + endpoint + "'"
                            + (known.isEmpty() ? "" : " (known: " + String.join(", ", known) + ")"));
        }
        if (!plan.clientTemplates().isEmpty()) {
            // SPEC §8: job items run with the submitter's authority, so there is no client to read
            throw new UploadException(
                    400,
                    "endpoint '" + endpoint + "' uses " + plan.clientTemplates().get(0)
                            + ", which only a live request with auth has: it cannot run as a job");
        }
        return new Target(plan, ItemSchema.of(plan));
    }

    private int concurrency(@Nullable String value) {
        if (value == null) {
            return properties.defaultConcurrency();
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > properties.maxConcurrency()) {
            throw new UploadException(
                    "concurrency must be between 1 and " + properties.maxConcurrency() + " but was " + value);
        }
        return n;
    }

    private JobStore.NewItem item(AtomicInteger count, Map<String, String> fields, String where) {
        int n = count.incrementAndGet();
        if (n > properties.maxItems()) {
            throw new UploadException(
                    413,
                    where + "more than the limit of " + properties.maxItems()
                            + " items per job (fanout.jobs.max-items)");
        }
        JsonBytes out = new JsonBytes(64);
        out.raw('{');
        boolean first = true;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!first) {
                out.raw(',');
            }
            first = false;
            out.string(e.getKey()).raw(':').string(e.getValue());
        }
        out.raw('}');
        return new JobStore.NewItem(n, new String(out.buffer(), 0, out.size(), StandardCharsets.UTF_8));
    }
}
