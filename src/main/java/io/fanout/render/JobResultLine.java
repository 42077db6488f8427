package io.fanout.render;

import io.fanout.engine.CallOutcome;
import io.fanout.engine.CompositeResult;
import io.fanout.json.JsonBytes;
import java.nio.charset.StandardCharsets;

/**
 * A batch job item's result line (SPEC §5): {@code {"item":N,"input":{…},"status":S,"data":{…},"errors":[…]}},
 * written from the engine's result with the envelope's own parts (a failed item has {@code "data":null} and the
 * problem's {@code detail}). One line whatever the upstream bodies look like: it is stored and served as NDJSON.
 */
public final class JobResultLine {

    private JobResultLine() {}

    /**
     * @param item  the item's number
     * @param input the item's fields as a JSON object (as stored)
     */
    public static String of(long item, String input, CompositeResult r) {
        JsonBytes out = start(item, input, r.status(), 256);
        out.ascii(",\"data\":");
        if (r.failed()) {
            out.ascii("null");
        } else {
            Envelope.writeData(out, r, true);
        }
        out.ascii(",\"errors\":[");
        Envelope.writeErrors(out, r);
        out.raw(']');
        CallOutcome failed = r.requiredFailure();
        if (failed != null) {
            out.ascii(",\"detail\":").string(Envelope.problemDetail(failed));
        }
        return text(out.raw('}'));
    }

    /** The line of an item that did not run (its endpoint is gone, or running it failed unexpectedly). */
    public static String failed(long item, String input, int status, String detail) {
        return text(start(item, input, status, 64)
                .ascii(",\"data\":null,\"errors\":[],\"detail\":")
                .string(detail)
                .raw('}'));
    }

    private static JsonBytes start(long item, String input, int status, int extra) {
        JsonBytes out = new JsonBytes(extra + 64 + input.length());
        return out.ascii("{\"item\":")
                .number(item)
                .ascii(",\"input\":")
                .rawOnOneLine(input.getBytes(StandardCharsets.UTF_8))
                .ascii(",\"status\":")
                .number(status);
    }

    private static String text(JsonBytes out) {
        return new String(out.buffer(), 0, out.size(), StandardCharsets.UTF_8);
    }
}
