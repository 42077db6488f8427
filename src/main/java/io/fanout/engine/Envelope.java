package io.fanout.engine;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.fanout.compile.CallPlan;
import io.fanout.json.JsonBytes;
import io.fanout.json.JsonCodec;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import tools.jackson.databind.JsonNode;

/**
 * Writes SPEC §2's {@code data}/{@code errors}/{@code meta} envelope, the problem answer for a failed required
 * call, and the NDJSON/SSE lines of streamed answers. Raw upstream bodies are copied, not re-serialised.
 */
public final class Envelope {

    /** Default Retry-After for overload answers when neither upstream nor policy said how long. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private Envelope() {
    }

    /** The whole answer of a finished execution: a 200 envelope or, if a required call failed, a problem. */
    public static CompositeAnswer render(Execution ex) {
        CallOutcome failed = ex.firstRequiredFailure();
        List<CallPlan> calls = ex.plan().calls();
        if (failed != null) {
            return problem(ex, failed);
        }
        JsonBytes out = new JsonBytes(estimate(ex));
        out.ascii("{\"data\":{");
        boolean partial = false;
        for (int i = 0; i < calls.size(); i++) {
            CallOutcome o = ex.outcome(i);
            if (i > 0) {
                out.raw(',');
            }
            out.raw(calls.get(i).quotedName()).raw(':');
            writeData(out, o);
            partial |= hasErrors(o);
        }
        out.ascii("},\"errors\":[");
        writeErrors(ex, out);
        out.ascii("],\"meta\":");
        writeMeta(ex, out, partial, 0);
        out.raw('}');
        return new CompositeAnswer(200, false, partial, out.buffer(), out.size(), null);
    }

    /**
     * An upper bound for a usual envelope, so the buffer is not grown (copied) while writing: the fixed frame and
     * request id, then per call its name twice (data and meta), its meta entry and its data (raw length, or a
     * guess for trees and errors). Too small only costs one copy.
     */
    private static int estimate(Execution ex) {
        List<CallPlan> calls = ex.plan().calls();
        int n = 128 + ex.requestId().length();
        for (int i = 0; i < calls.size(); i++) {
            CallOutcome o = ex.outcome(i);
            n += 2 * calls.get(i).quotedName().length + 112;
            if (o != null && o.raw() != null) {
                n += o.raw().length;
            } else {
                n += 256;
            }
        }
        return n;
    }

    private static boolean hasErrors(@Nullable CallOutcome o) {
        if (o == null || o.failed()) {
            return true;
        }
        if (o.elements() != null) {
            for (CallOutcome e : o.elements()) {
                if (e.failed()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void writeData(JsonBytes out, @Nullable CallOutcome o) {
        if (o == null || o.failed()) {
            out.ascii("null");
            return;
        }
        if (o.elements() != null) {
            out.raw('[');
            boolean first = true;
            for (CallOutcome e : o.elements()) {
                if (!first) {
                    out.raw(',');
                }
                first = false;
                writeData(out, e);
            }
            out.raw(']');
            return;
        }
        byte[] raw = o.raw();
        if (raw != null) {
            out.raw(raw);
            return;
        }
        JsonNode data = o.data();
        if (data == null) {
            out.ascii("null");
        } else {
            out.raw(JsonCodec.MAPPER.writeValueAsBytes(data));
        }
    }

    private static void writeErrors(Execution ex, JsonBytes out) {
        boolean first = true;
        for (int i = 0; i < ex.plan().calls().size(); i++) {
            CallOutcome o = ex.outcome(i);
            if (o == null) {
                continue;
            }
            first = writeCallErrors(out, o, first);
        }
    }

    /** Writes the error entries of one call (its own, or one per failed for-each element). */
    private static boolean writeCallErrors(JsonBytes out, CallOutcome o, boolean first) {
        if (o.elements() != null) {
            for (CallOutcome e : o.elements()) {
                if (e.failure() != null) {
                    first = writeError(out, e, first);
                }
            }
            return first;
        }
        if (o.failure() != null) {
            first = writeError(out, o, first);
        }
        return first;
    }

    private static boolean writeError(JsonBytes out, CallOutcome o, boolean first) {
        if (!first) {
            out.raw(',');
        }
        CallFailure f = o.failure();
        out.ascii("{\"call\":").raw(o.call().quotedName());
        if (o.index() >= 0) {
            out.ascii(",\"index\":").number(o.index());
        }
        writeFailureFields(out, f);
        out.raw('}');
        return false;
    }

    private static void writeFailureFields(JsonBytes out, @Nullable CallFailure f) {
        if (f == null) {
            return;
        }
        out.ascii(",\"type\":\"").ascii(f.type().wireName()).ascii("\",\"message\":").string(f.getMessage());
        if (f.type() == ErrorType.UPSTREAM_STATUS) {
            out.ascii(",\"status\":").number(f.status());
        }
    }

    private static void writeMeta(Execution ex, JsonBytes out, boolean partial, int streamStatus) {
        out.ascii("{\"requestId\":").string(ex.requestId()).ascii(",\"partial\":").ascii(partial ? "true" : "false");
        if (streamStatus > 0) {
            out.ascii(",\"status\":").number(streamStatus);
        }
        out.ascii(",\"durationMs\":").number(ex.elapsedNanos() / 1_000_000).ascii(",\"calls\":{");
        boolean first = true;
        for (int i = 0; i < ex.plan().calls().size(); i++) {
            CallOutcome o = ex.outcome(i);
            if (o == null) {
                continue;
            }
            if (!first) {
                out.raw(',');
            }
            first = false;
            out.raw(o.call().quotedName()).raw(':');
            writeCallMeta(out, o);
        }
        out.ascii("}}");
    }

    private static void writeCallMeta(JsonBytes out, CallOutcome o) {
        CallFailure f = o.failure();
        if (f == null) {
            out.ascii("{\"status\":").number(o.status());
        } else {
            out.ascii("{\"error\":\"").ascii(f.type().wireName()).raw('"');
        }
        out.ascii(",\"durationMs\":").number(o.durationMillis()).ascii(",\"attempts\":").number(o.attempts());
        if (f == null && o.source() != null) {
            out.ascii(",\"source\":\"").ascii(o.source().wireName()).raw('"');
        }
        if (o.elements() != null) {
            int failedItems = 0;
            for (CallOutcome e : o.elements()) {
                failedItems += e.failed() ? 1 : 0;
            }
            out.ascii(",\"items\":").number(o.elements().size()).ascii(",\"failedItems\":").number(failedItems);
        }
        out.raw('}');
    }

    /** The HTTP status a failed required call maps to (SPEC §2). */
    public static int statusFor(CallFailure f) {
        return switch (f.type()) {
            case UPSTREAM_STATUS -> f.status() >= 400 && f.status() < 500 ? f.status() : 502;
            case TIMEOUT, DEADLINE_EXCEEDED -> 504;
            case CIRCUIT_OPEN, BULKHEAD_FULL, RATE_LIMITED -> 503;
            default -> 502;
        };
    }

    private static CompositeAnswer problem(Execution ex, CallOutcome failed) {
        CallFailure f = failed.failure();
        if (f == null) {
            // a required for-each: its first failed element carries the cause
            throw new IllegalStateException("required failure without a cause");
        }
        int status = statusFor(f);
        JsonBytes out = new JsonBytes(512);
        String type = status < 500 ? Problems.BASE + "upstream-rejected" : Problems.typeFor(status);
        out.ascii("{\"type\":").string(type).ascii(",\"title\":").string(Problems.title(status))
                .ascii(",\"status\":").number(status)
                .ascii(",\"detail\":").string("required call '" + failed.call().name() + "' failed: " + f.getMessage())
                .ascii(",\"requestId\":").string(ex.requestId())
                .ascii(",\"errors\":[");
        writeErrors(ex, out);
        out.ascii("]}");
        Duration retryAfter = null;
        if (status == 503) {
            retryAfter = f.retryAfter() != null ? f.retryAfter() : DEFAULT_RETRY_AFTER;
        }
        return new CompositeAnswer(status, true, true, out.buffer(), out.size(), retryAfter);
    }

    // ---- streaming

    /** One NDJSON line (with the trailing newline) for a finished call. */
    public static byte[] line(CallOutcome o) {
        JsonBytes out = new JsonBytes(o.raw() != null ? o.raw().length + 160 : 256);
        out.ascii("{\"call\":").raw(o.call().quotedName());
        if (o.failure() != null) {
            out.ascii(",\"error\":{");
            CallFailure f = o.failure();
            out.ascii("\"type\":\"").ascii(f.type().wireName()).ascii("\",\"message\":").string(f.getMessage());
            if (f.type() == ErrorType.UPSTREAM_STATUS) {
                out.ascii(",\"status\":").number(f.status());
            }
            out.raw('}');
            if (o.elements() != null) {
                out.ascii(",\"errors\":[");
                writeCallErrors(out, o, true);
                out.raw(']');
            }
        } else {
            out.ascii(",\"data\":");
            writeData(out, o);
            if (hasErrors(o)) {
                out.ascii(",\"errors\":[");
                writeCallErrors(out, o, true);
                out.raw(']');
            }
        }
        out.ascii(",\"meta\":");
        writeCallMeta(out, o);
        out.ascii("}\n");
        return out.toByteArray();
    }

    /** The last NDJSON line: request meta, with the status a non-streamed answer would have had. */
    public static byte[] lastLine(Execution ex) {
        boolean partial = false;
        for (int i = 0; i < ex.plan().calls().size(); i++) {
            partial |= hasErrors(ex.outcome(i));
        }
        CallOutcome failed = ex.firstRequiredFailure();
        int status = failed != null && failed.failure() != null ? statusFor(failed.failure()) : 200;
        JsonBytes out = new JsonBytes(256);
        out.ascii("{\"meta\":");
        writeMeta(ex, out, partial, status);
        out.ascii("}\n");
        return out.toByteArray();
    }
}
