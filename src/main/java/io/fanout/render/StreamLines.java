package io.fanout.render;

import io.fanout.engine.CallOutcome;
import io.fanout.engine.CompositeResult;
import io.fanout.json.JsonBytes;
import io.fanout.upstream.CallFailure;

/**
 * The lines of a streamed answer (SPEC §2): one per call as it completes, then a last one with the request's
 * {@code meta} and the status a whole answer would have had; as NDJSON lines or as SSE events {@code call} and
 * {@code done}. Each line and each SSE {@code data} field is exactly one JSON document on one line, whatever the
 * upstream's body looks like: upstream bodies are copied without their line breaks (docs/streaming.md).
 */
public final class StreamLines {

    private static final String SSE_CALL = "event: call\ndata: ";
    private static final String SSE_DONE = "event: done\ndata: ";

    private StreamLines() {}

    /** {@code {"call":…}} and a newline. */
    public static byte[] ndjson(CallOutcome o) {
        return call(new JsonBytes(capacity(o)), o).raw('\n').toByteArray();
    }

    /** {@code {"meta":…}} and a newline. */
    public static byte[] ndjsonLast(CompositeResult r) {
        return last(new JsonBytes(256), r).raw('\n').toByteArray();
    }

    /** An SSE {@code call} event: the NDJSON line as its one {@code data} field, and the blank line ending it. */
    public static byte[] sseCall(CallOutcome o) {
        return call(new JsonBytes(capacity(o) + SSE_CALL.length()).ascii(SSE_CALL), o)
                .ascii("\n\n")
                .toByteArray();
    }

    /** The SSE {@code done} event. */
    public static byte[] sseDone(CompositeResult r) {
        return last(new JsonBytes(256 + SSE_DONE.length()).ascii(SSE_DONE), r)
                .ascii("\n\n")
                .toByteArray();
    }

    private static int capacity(CallOutcome o) {
        return o.raw() != null ? o.raw().length + 160 : 256;
    }

    private static JsonBytes call(JsonBytes out, CallOutcome o) {
        out.ascii("{\"call\":").raw(o.call().quotedName());
        CallFailure f = o.failure();
        if (f != null) {
            out.ascii(",\"error\":{");
            Envelope.writeFailure(out, f);
            out.raw('}');
        } else {
            out.ascii(",\"data\":");
            Envelope.writeCallData(out, o, true);
        }
        if (o.hasErrors() && o.elements() != null) {
            out.ascii(",\"errors\":[");
            Envelope.writeCallErrors(out, o, true);
            out.raw(']');
        }
        out.ascii(",\"meta\":");
        Envelope.writeCallMeta(out, o);
        return out.raw('}');
    }

    private static JsonBytes last(JsonBytes out, CompositeResult r) {
        out.ascii("{\"meta\":");
        Envelope.writeMeta(out, r, r.status());
        return out.raw('}');
    }
}
