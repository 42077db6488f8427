package io.fanout.plan;

import io.fanout.json.JsonBytes;
import io.fanout.template.BodyTemplate;
import io.fanout.template.PathTemplate;
import io.fanout.template.PercentEncoding;
import io.fanout.template.SqlTemplate;
import io.fanout.template.TemplateScope;
import io.fanout.template.TextTemplate;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * One compiled call: its templates, where it sits in the dependency graph and the client of its upstream. Immutable
 * and shared by all requests of a config version.
 */
public final class CallPlan {

    private final int index;
    private final String name;
    private final byte[] quotedName;
    private final String upstream;
    private final UpstreamClient client;
    private final String method;
    private final @Nullable PathTemplate path;
    private final @Nullable SqlTemplate sql;
    private final boolean single;
    private final String[] queryKeys;
    private final TextTemplate[] queryValues;
    private final String[] headerNames;
    private final TextTemplate[] headerValues;
    private final @Nullable BodyTemplate body;
    private final boolean required;
    private final @Nullable JsonPointer select;
    private final Duration timeout;
    private final @Nullable ForEach forEach;
    private final boolean idempotent;
    private final int[] dependencies;
    private final boolean referenced;
    private final CallTimers timers;

    /** Built by the compiler once per config version; {@code path} or {@code sql} is given. */
    public CallPlan(
            int index,
            String name,
            String upstream,
            UpstreamClient client,
            String method,
            @Nullable PathTemplate path,
            @Nullable SqlTemplate sql,
            boolean single,
            List<String> queryKeys,
            List<TextTemplate> queryValues,
            List<String> headerNames,
            List<TextTemplate> headerValues,
            @Nullable BodyTemplate body,
            boolean required,
            @Nullable JsonPointer select,
            Duration timeout,
            @Nullable ForEach forEach,
            boolean idempotent,
            int[] dependencies,
            boolean referenced,
            CallTimers timers) {
        this.index = index;
        this.name = name;
        this.quotedName = JsonBytes.quoted(name);
        this.upstream = upstream;
        this.client = client;
        this.method = method;
        if (path == null && sql == null) {
            throw new IllegalArgumentException("call " + name + " has neither a path nor a query");
        }
        this.path = path;
        this.sql = sql;
        this.single = single;
        this.queryKeys = queryKeys.stream().map(PercentEncoding::encode).toArray(String[]::new);
        this.queryValues = queryValues.toArray(TextTemplate[]::new);
        this.headerNames = headerNames.toArray(String[]::new);
        this.headerValues = headerValues.toArray(TextTemplate[]::new);
        this.body = body;
        this.required = required;
        this.select = select;
        this.timeout = timeout;
        this.forEach = forEach;
        this.idempotent = idempotent;
        this.dependencies = dependencies.clone();
        this.referenced = referenced;
        this.timers = timers;
    }

    /**
     * Renders the upstream request for one request (or one for-each element). Throws a {@code CallFailure} of type
     * bad-template-value when a value cannot be placed.
     */
    public UpstreamRequest render(TemplateScope scope, String requestId, List<String> forwardedHeaders) {
        SqlTemplate q = sql;
        if (q != null) {
            return new UpstreamRequest.Query(q.render(scope, single), requestId);
        }
        StringBuilder sb = new StringBuilder(64);
        java.util.Objects.requireNonNull(path).render(scope, sb);
        char sep = '?';
        for (int i = 0; i < queryKeys.length; i++) {
            int mark = sb.length();
            sb.append(sep).append(queryKeys[i]).append('=');
            if (queryValues[i].render(scope, TextTemplate.Place.QUERY, sb)) {
                sep = '&';
            } else {
                sb.setLength(mark);
            }
        }
        List<String> headers = forwardedHeaders;
        if (headerNames.length > 0) {
            headers = new ArrayList<>(forwardedHeaders.size() + headerNames.length * 2);
            headers.addAll(forwardedHeaders);
            StringBuilder hv = new StringBuilder(32);
            for (int i = 0; i < headerNames.length; i++) {
                hv.setLength(0);
                if (headerValues[i].render(scope, TextTemplate.Place.HEADER, hv)) {
                    headers.add(headerNames[i]);
                    headers.add(hv.toString());
                }
            }
        }
        byte[] bytes = body == null ? null : body.render(scope);
        return new UpstreamRequest.Http(method, sb.toString(), headers, bytes, requestId, idempotent);
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    /** The name as a JSON string literal, for writing envelopes without escaping per request. */
    public byte[] quotedName() {
        return quotedName;
    }

    public String upstream() {
        return upstream;
    }

    public UpstreamClient client() {
        return client;
    }

    public String method() {
        return method;
    }

    public boolean required() {
        return required;
    }

    public @Nullable JsonPointer select() {
        return select;
    }

    /** The call's own per-attempt timeout (its {@code timeout}, else its upstream's). */
    public Duration timeout() {
        return timeout;
    }

    public @Nullable ForEach forEach() {
        return forEach;
    }

    /** Indexes of the calls this one waits for (template references and for-each source). */
    public int[] dependencies() {
        return dependencies;
    }

    /** True when another call reads this call's body, so the engine must keep it parsed. */
    public boolean referenced() {
        return referenced;
    }

    public CallTimers timers() {
        return timers;
    }
}
