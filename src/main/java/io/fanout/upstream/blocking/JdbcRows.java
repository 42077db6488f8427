package io.fanout.upstream.blocking;

import io.fanout.json.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the rows of a query as a JSON array of objects by column label (or the first row as one object) while
 * they stream in from the driver, stopping as soon as the answer passes {@code max-response-size}: rows are never
 * all held in memory first. Types: integers and numerics are numbers, text is a string, booleans are booleans, SQL
 * null is null, timestamps and dates are ISO-8601 strings (with offset for {@code timestamptz}), {@code json} and
 * {@code jsonb} are embedded, arrays are arrays, bytes are base64, anything else is its text.
 */
final class JdbcRows {

    /** Rows fetched per round trip: the driver holds at most this many while the answer is written. */
    static final int FETCH_SIZE = 100;

    /** Thrown when the answer passes the size limit; the caller turns it into {@code invalid-response}. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("too large", null, false, false);
        }
    }

    /** Thrown for a {@code single} query that found no row; the caller answers 404. */
    static final class NoRow extends RuntimeException {
        NoRow() {
            super("no row", null, false, false);
        }
    }

    private JdbcRows() {}

    /**
     * The most rows an answer of {@code maxResponseSize} bytes can hold (each row is at least {@code {}} and a
     * comma): the database is never asked for more, whatever the query.
     */
    static int rowCap(long maxResponseSize) {
        return (int) Math.min(Integer.MAX_VALUE - 1, Math.max(1, maxResponseSize / 3)) + 1;
    }

    /** The rows as JSON bytes; throws {@link TooLarge} past {@code maxResponseSize}, {@link NoRow} for none. */
    static byte[] write(ResultSet rows, boolean single, long maxResponseSize) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        String[] labels = new String[columns];
        int[] types = new int[columns];
        String[] typeNames = new String[columns];
        for (int c = 0; c < columns; c++) {
            labels[c] = meta.getColumnLabel(c + 1);
            types[c] = meta.getColumnType(c + 1);
            String typeName = meta.getColumnTypeName(c + 1);
            typeNames[c] = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = JsonCodec.MAPPER.createGenerator(out)) {
            boolean any = false;
            if (!single) {
                gen.writeStartArray();
            }
            while (rows.next()) {
                any = true;
                gen.writeStartObject();
                for (int c = 0; c < columns; c++) {
                    gen.writeName(labels[c]);
                    writeValue(gen, rows, c + 1, types[c], typeNames[c]);
                }
                gen.writeEndObject();
                // the generator buffers a few KB: flushing per row makes the check exact and keeps memory bounded
                gen.flush();
                if (out.size() > maxResponseSize) {
                    throw new TooLarge();
                }
                if (single) {
                    break;
                }
            }
            if (!single) {
                gen.writeEndArray();
            } else if (!any) {
                throw new NoRow();
            }
        }
        if (out.size() > maxResponseSize) {
            throw new TooLarge();
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator gen, ResultSet rows, int column, int type, String typeName)
            throws SQLException {
        switch (type) {
            case Types.BIT, Types.BOOLEAN -> {
                boolean b = rows.getBoolean(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else {
                    gen.writeBoolean(b);
                }
            }
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                long v = rows.getLong(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(v);
                }
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double v = rows.getDouble(column);
                if (rows.wasNull()) {
                    gen.writeNull();
                } else if (Double.isFinite(v)) {
                    gen.writeNumber(v);
                } else {
                    gen.writeString(Double.toString(v)); // NaN and infinities have no JSON number
                }
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                BigDecimal v = rows.getBigDecimal(column);
                if (v == null) {
                    gen.writeNull();
                } else {
                    gen.writeNumber(v);
                }
            }
            case Types.DATE -> writeText(gen, rows.getObject(column, LocalDate.class));
            case Types.TIME -> writeText(gen, rows.getObject(column, LocalTime.class));
            // pgjdbc reports timestamptz as TIMESTAMP: the type name tells them apart
            case Types.TIMESTAMP ->
                writeText(
                        gen,
                        typeName.equals("timestamptz")
                                ? rows.getObject(column, OffsetDateTime.class)
                                : rows.getObject(column, LocalDateTime.class));
            case Types.TIMESTAMP_WITH_TIMEZONE -> writeText(gen, rows.getObject(column, OffsetDateTime.class));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] bytes = rows.getBytes(column);
                if (bytes == null) {
                    gen.writeNull();
                } else {
                    gen.writeString(Base64.getEncoder().encodeToString(bytes));
                }
            }
            case Types.ARRAY -> writeArray(gen, rows.getArray(column));
            default -> {
                String text = rows.getString(column);
                if (text == null) {
                    gen.writeNull();
                } else if (typeName.equals("json") || typeName.equals("jsonb")) {
                    // the server only stores valid JSON (and the exchange's verdict checks the whole answer)
                    gen.writeRawValue(text);
                } else {
                    gen.writeString(text);
                }
            }
        }
    }

    private static void writeArray(JsonGenerator gen, @Nullable Array array) throws SQLException {
        if (array == null) {
            gen.writeNull();
            return;
        }
        try (ResultSet elements = array.getResultSet()) {
            int elementType = array.getBaseType();
            String elementName = array.getBaseTypeName().toLowerCase(Locale.ROOT);
            gen.writeStartArray();
            while (elements.next()) {
                writeValue(gen, elements, 2, elementType, elementName);
            }
            gen.writeEndArray();
        } finally {
            array.free();
        }
    }

    private static void writeText(JsonGenerator gen, @Nullable Object value) {
        if (value == null) {
            gen.writeNull();
        } else {
            gen.writeString(value.toString());
        }
    }
}
