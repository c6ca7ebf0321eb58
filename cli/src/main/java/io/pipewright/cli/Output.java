package io.pipewright.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints answers for people (aligned columns, one row per object, the fields a person scans for) or for scripts
 * ({@code --output json}: the API's JSON as it came, so a script reads the documented field names).
 */
final class Output {

    enum Format { table, json }

    /** A column: its header and the JSON pointer of its value in each object ({@code /config/topic_prefix}). */
    record Column(String header, String pointer) {
    }

    private final Format format;
    private final PrintWriter out;

    Output(Format format, PrintWriter out) {
        this.format = format;
        this.out = out;
    }

    boolean isJson() {
        return format == Format.json;
    }

    /** A list of objects: a table with a header row, or the JSON array. */
    void rows(JsonNode array, List<Column> columns) {
        if (isJson()) {
            json(array);
            return;
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode row : array) {
            lines.add(columns.stream().map(column -> text(row.at(column.pointer()))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder printed = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                printed.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(printed.toString().stripTrailing());
        }
        out.flush();
    }

    /** One object: "field: value" lines for its top-level and nested fields, or the JSON object. */
    void object(JsonNode object) {
        if (isJson()) {
            json(object);
            return;
        }
        describe(object, "");
        out.flush();
    }

    /** A line for people that scripts do not want on standard output (they get it on standard error). */
    void note(String line) {
        if (isJson()) {
            System.err.println(line);
        } else {
            out.println(line);
            out.flush();
        }
    }

    void json(JsonNode node) {
        try {
            out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void describe(JsonNode object, String prefix) {
        object.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isObject()) {
                describe(value, prefix + field.getKey() + ".");
            } else {
                out.println(prefix + field.getKey() + ": " + text(value));
            }
        });
    }

    private static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return String.join(",", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
