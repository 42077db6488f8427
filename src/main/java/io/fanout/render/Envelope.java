package io.fanout.render;

import io.fanout.engine.CallOutcome;
import io.fanout.engine.CompositeResult;
import io.fanout.json.JsonBytes;
import io.fanout.json.JsonCodec;
import io.fanout.upstream.CallFailure;
import io.fanout.upstream.ErrorType;
import tools.jackson.databind.JsonNode;

/**
 * Writes a {@link CompositeResult} as SPEC §2's answer: the {@code data}/{@code errors}/{@code meta} envelope or,
 * when a required call failed, the problem. Its parts are shared by the streamed lines ({@link StreamLines}) and
 * batch result lines ({@link JobResultLine}). Upstream bodies are copied as they are, never re-serialised; where the
 * output must be one line, their line breaks are dropped on the way ({@link JsonBytes#rawOnOneLine}).
 */
public final class Envelope {

    /** A scratch writer kept above this stays per thread; a larger one is dropped after its answer. */
    private static final int SCRATCH_KEPT = 64 * 1024;

    private static final ThreadLocal<JsonBytes> SCRATCH = ThreadLocal.withInitial(() -> new JsonBytes(8 * 1024));

    private Envelope() {}

    /**
     * The whole answer, as {@link #render(CompositeResult)}, copied by {@code into} into one buffer of exactly
     * the answer's size (so the {@code Content-Length} is known, and under Netty the buffer is pooled and direct):
     * the envelope is written into a per-thread scratch writer that is reused, then copied once into the buffer,
     * which is the copy Netty would otherwise make from a heap array to the socket. Per answer this allocates no
     * heap array. The caller owns the buffer (writing it to the response releases it).
     */
    public static <B> B render(CompositeResult r, Copier<B> into) {
        JsonBytes out = SCRATCH.get().clear();
        try {
            write(out, r);
            return into.copy(out.buffer(), out.size());
        } finally {
            if (out.buffer().length > SCRATCH_KEPT) {
                SCRATCH.remove();
            }
        }
    }

    /** Copies the rendered bytes (valid only during the call) into a buffer of exactly {@code length} bytes. */
    @FunctionalInterface
    public interface Copier<B> {
        B copy(byte[] bytes, int length);
    }

    private static JsonBytes write(JsonBytes out, CompositeResult r) {
        if (r.failed()) {
            return problem(out, r);
        }
        out.ascii("{\"data\":");
        writeData(out, r, false);
        out.ascii(",\"errors\":[");
        writeErrors(out, r);
        out.ascii("],\"meta\":");
        writeMeta(out, r, 0);
        return out.raw('}');
    }

    /**
     * The whole answer: the 200 envelope, or the problem when {@link CompositeResult#failed()}. The bytes are
     * {@code buffer()} up to {@code size()}; the status, {@code Fanout-Partial} and {@code Retry-After} come from
     * the result.
     */
    public static JsonBytes render(CompositeResult r) {
        return write(new JsonBytes(r.failed() ? 512 : estimate(r)), r);
    }

    /**
     * An upper bound for a usual envelope, so the buffer is not grown (copied) while writing: the fixed frame and
     * request id, then per call its name twice (data and meta), its meta entry and its data (raw length, or a
     * guess for trees and errors). Too small only costs one copy.
     */
    private static int estimate(CompositeResult r) {
        int n = 128 + r.requestId().length();
        for (int i = 0; i < r.size(); i++) {
            CallOutcome o = r.outcome(i);
            n += 2 * o.call().quotedName().length + 112;
            n += o.raw() != null ? o.raw().length : 256;
        }
        return n;
    }

    /** The {@code data} object: each call's data by name, in declaration order ({@code null} for a failure). */
    static void writeData(JsonBytes out, CompositeResult r, boolean oneLine) {
        out.raw('{');
        for (int i = 0; i < r.size(); i++) {
            CallOutcome o = r.outcome(i);
            if (i > 0) {
                out.raw(',');
            }
            out.raw(o.call().quotedName()).raw(':');
            writeCallData(out, o, oneLine);
        }
        out.raw('}');
    }

    /** One call's data: its body, the selected part, the array of for-each elements, or {@code null}. */
    static void writeCallData(JsonBytes out, CallOutcome o, boolean oneLine) {
        if (o.failed()) {
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
                writeCallData(out, e, oneLine);
            }
            out.raw(']');
            return;
        }
        byte[] raw = o.raw();
        if (raw != null) {
            if (oneLine) {
                out.rawOnOneLine(raw);
            } else {
                out.raw(raw);
            }
            return;
        }
        JsonNode data = o.data();
        if (data == null) {
            out.ascii("null");
        } else {
            // a compact tree has no line breaks
            out.raw(JsonCodec.MAPPER.writeValueAsBytes(data));
        }
    }

    /** The entries of {@code errors}, without the brackets. */
    static void writeErrors(JsonBytes out, CompositeResult r) {
        boolean first = true;
        for (int i = 0; i < r.size(); i++) {
            first = writeCallErrors(out, r.outcome(i), first);
        }
    }

    /** The error entries of one call: its own, or one per failed for-each element; false once one was written. */
    static boolean writeCallErrors(JsonBytes out, CallOutcome o, boolean first) {
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
        out.ascii("{\"call\":").raw(o.call().quotedName());
        if (o.index() >= 0) {
            out.ascii(",\"index\":").number(o.index());
        }
        CallFailure f = o.failure();
        if (f != null) {
            writeFailure(out.raw(','), f);
        }
        out.raw('}');
        return false;
    }

    /** The members {@code "type":…,"message":…[,"status":…]} of a failure, without braces. */
    static void writeFailure(JsonBytes out, CallFailure f) {
        out.ascii("\"type\":\"")
                .ascii(f.type().wireName())
                .ascii("\",\"message\":")
                .string(f.getMessage());
        if (f.type() == ErrorType.UPSTREAM_STATUS) {
            out.ascii(",\"status\":").number(f.status());
        }
    }

    /** The request's {@code meta}; {@code streamStatus} > 0 adds the status a whole answer would have had. */
    static void writeMeta(JsonBytes out, CompositeResult r, int streamStatus) {
        out.ascii("{\"requestId\":").string(r.requestId());
        String traceId = r.traceId();
        if (traceId != null) {
            out.ascii(",\"traceId\":").string(traceId); // SPEC §9 (observability)
        }
        out.ascii(",\"partial\":").ascii(r.partial() ? "true" : "false");
        if (streamStatus > 0) {
            out.ascii(",\"status\":").number(streamStatus);
        }
        out.ascii(",\"durationMs\":").number(r.durationNanos() / 1_000_000).ascii(",\"calls\":{");
        for (int i = 0; i < r.size(); i++) {
            CallOutcome o = r.outcome(i);
            if (i > 0) {
                out.raw(',');
            }
            out.raw(o.call().quotedName()).raw(':');
            writeCallMeta(out, o);
        }
        out.ascii("}}");
    }

    /** One call's entry of {@code meta.calls}. */
    static void writeCallMeta(JsonBytes out, CallOutcome o) {
        CallFailure f = o.failure();
        if (f == null) {
            out.ascii("{\"status\":").number(o.status());
        } else {
            out.ascii("{\"error\":\"").ascii(f.type().wireName()).raw('"');
        }
        out.ascii(",\"durationMs\":")
                .number(o.durationMillis())
                .ascii(",\"attempts\":")
                .number(o.attempts());
        if (f == null && o.source() != null) {
            out.ascii(",\"source\":\"").ascii(o.source().wireName()).raw('"');
        }
        if (o.elements() != null) {
            out.ascii(",\"items\":")
                    .number(o.elements().size())
                    .ascii(",\"failedItems\":")
                    .number(o.failedElements());
        }
        out.raw('}');
    }

    /** The problem's {@code detail} for a result whose required call failed. */
    static String problemDetail(CallOutcome failed) {
        CallFailure f = failed.failure();
        return "required call '" + failed.call().name() + "' failed: " + (f == null ? "" : f.getMessage());
    }

    private static JsonBytes problem(JsonBytes into, CompositeResult r) {
        CallOutcome failed = r.requiredFailure();
        if (failed == null) {
            throw new IllegalStateException("a problem answer needs a failed required call");
        }
        int status = r.status();
        JsonBytes out = ProblemDocument.open(
                into, ProblemTypes.typeForFailedCall(status), status, problemDetail(failed), r.requestId());
        String traceId = r.traceId();
        if (traceId != null) {
            out.ascii(",\"traceId\":").string(traceId); // SPEC §9: a failed answer is found in the traces too
        }
        out.ascii(",\"errors\":[");
        writeErrors(out, r);
        return out.ascii("]}");
    }
}
