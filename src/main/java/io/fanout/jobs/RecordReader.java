package io.fanout.jobs;

import io.fanout.json.JsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Turns the lines of an upload into records (field name to value, in upload order), one line at a time. */
sealed interface RecordReader permits RecordReader.Csv, RecordReader.Ndjson {

    /** One record and the physical line it starts on. */
    record Row(long line, Map<String, String> fields) {}

    /** The record this line completes, or null (a header, a blank line, a line inside a quoted field). */
    @Nullable
    Row next(LineSplitter.Line line);

    /** Called after the last line; fails when the upload ends inside a record. */
    void finish();

    /** @param maxLength longest record in bytes: a CSV record that spans lines counts all of them (and their breaks) */
    static RecordReader forMediaType(String mediaType, int maxLength) {
        return mediaType.equals("text/csv") ? new Csv(maxLength) : new Ndjson();
    }

    /**
     * RFC 4180 CSV: the first record names the fields; fields may be quoted ({@code ""} is a quote inside one), and
     * a quoted field may span lines. Blank lines are skipped. A record that spans lines counts against the line
     * length limit as a whole, so an unclosed quote followed by endless short lines is refused as soon as it passes
     * the limit instead of growing one field without bound.
     */
    final class Csv implements RecordReader {

        private final int maxLength;
        private long length;

        private @Nullable List<String> header;
        private final List<String> fields = new ArrayList<>();
        private final StringBuilder field = new StringBuilder();
        private boolean inQuotes;
        private boolean afterQuote;
        private long start;

        Csv(int maxLength) {
            this.maxLength = maxLength;
        }

        @Override
        public @Nullable Row next(LineSplitter.Line line) {
            String text = line.text();
            if (!inQuotes) {
                if (text.isEmpty()) {
                    return null;
                }
                start = line.number();
                length = 0;
                fields.clear();
                field.setLength(0);
                afterQuote = false;
            } else {
                field.append('\n');
                length++; // the line break inside the quoted field
            }
            length += line.bytes();
            if (length > maxLength) {
                throw UploadException.atLine(
                        start,
                        "a quoted field spans lines " + start + "-" + line.number()
                                + " and is longer than the limit of " + maxLength
                                + " bytes (fanout.jobs.max-line-length)");
            }
            parse(text, line.number());
            if (inQuotes) {
                return null; // the quoted field goes on in the next line
            }
            fields.add(field.toString());
            field.setLength(0);
            if (header == null) {
                header = header(List.copyOf(fields), start);
                return null;
            }
            if (fields.size() != header.size()) {
                throw UploadException.atLine(
                        start, "has " + fields.size() + " fields but the header names " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), fields.get(i));
            }
            return new Row(start, row);
        }

        private void parse(String text, long number) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inQuotes) {
                    if (c != '"') {
                        field.append(c);
                    } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterQuote = true;
                    }
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterQuote = false;
                } else if (afterQuote) {
                    throw UploadException.atLine(
                            number, "unexpected character after a closing quote (column " + (i + 1) + ")");
                } else if (c == '"') {
                    if (!field.isEmpty()) {
                        throw UploadException.atLine(
                                number,
                                "a quote inside an unquoted field (column " + (i + 1)
                                        + "); quote the whole field and double the quote");
                    }
                    inQuotes = true;
                } else {
                    field.append(c);
                }
            }
        }

        private static List<String> header(List<String> names, long line) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).trim();
                if (name.isEmpty()) {
                    throw UploadException.atLine(line, "header field " + (i + 1) + " has no name");
                }
                if (names.subList(0, i).stream().anyMatch(n -> n.trim().equals(name))) {
                    throw UploadException.atLine(line, "header names field '" + name + "' twice");
                }
            }
            return names.stream().map(String::trim).toList();
        }

        @Override
        public void finish() {
            if (inQuotes) {
                throw UploadException.atLine(start, "quoted field is never closed");
            }
            if (header == null) {
                throw new UploadException("the upload has no header row");
            }
        }
    }

    /** One JSON object per line whose values are strings, numbers or booleans. Blank lines are skipped. */
    final class Ndjson implements RecordReader {

        @Override
        public @Nullable Row next(LineSplitter.Line line) {
            if (line.text().isBlank()) {
                return null;
            }
            JsonNode node;
            try {
                node = JsonCodec.MAPPER.readTree(line.text());
            } catch (JacksonException e) {
                throw UploadException.atLine(line.number(), "not valid JSON");
            }
            if (node == null || !node.isObject()) {
                throw UploadException.atLine(line.number(), "must be a JSON object of fields");
            }
            return new Row(line.number(), fields(node, "line " + line.number() + ": field "));
        }

        @Override
        public void finish() {}

        /** An object's fields as strings; nested values are refused, naming the field with {@code where}. */
        static Map<String, String> fields(JsonNode node, String where) {
            Map<String, String> row = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                if (!v.isValueNode() || v.isNull()) {
                    throw new UploadException(where + "'" + e.getKey() + "' must be a string, number or boolean");
                }
                row.put(e.getKey(), v.asString());
            }
            return row;
        }
    }
}
