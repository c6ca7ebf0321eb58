package io.pipewright.adapters.dag;

import io.pipewright.adapters.postgres.SourceAdmin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A task's {@code output} ({@code schema.table}, as the reference writes {@code analytics.revenue_by_region}) read as
 * PostgreSQL reads an unquoted name: folded to lower case, {@code public} when it names no schema, so the queries of
 * later tasks reach it without quotes. Every name goes to SQL quoted. {@link #staging()}: where a SQL task builds the
 * new table before it replaces the old one, a name of the same schema derived from the output alone (the same for every
 * attempt, so a leftover of any earlier attempt is found and dropped), within PostgreSQL's 63 bytes.
 */
record OutputTable(String schema, String table) {

    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final String STAGING_MARK = "__pw_staging_";

    static OutputTable of(String output) {
        String name = output.trim().toLowerCase(Locale.ROOT);
        int dot = name.indexOf('.');
        OutputTable table = dot < 0 ? new OutputTable("public", name)
                : new OutputTable(name.substring(0, dot), name.substring(dot + 1));
        if (table.schema.isEmpty() || table.table.isEmpty() || table.table.indexOf('.') >= 0) {
            throw new IllegalArgumentException("output " + output + " is not a schema.table name");
        }
        return table;
    }

    String quoted() {
        return SourceAdmin.quote(schema) + "." + SourceAdmin.quote(table);
    }

    String quotedSchema() {
        return SourceAdmin.quote(schema);
    }

    String quotedTable() {
        return SourceAdmin.quote(table);
    }

    /** {@code <table, shortened>__pw_staging_<8 hex of the output's SHA-256>}: distinct outputs, distinct names. */
    OutputTable staging() {
        String suffix = STAGING_MARK + digest(schema + "." + table);
        int room = MAX_IDENTIFIER_BYTES - suffix.length();
        StringBuilder prefix = new StringBuilder();
        int bytes = 0;
        for (int offset = 0; offset < table.length(); ) {
            int codePoint = table.codePointAt(offset);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > room) {
                break;
            }
            prefix.appendCodePoint(codePoint);
            bytes += size;
            offset += Character.charCount(codePoint);
        }
        return new OutputTable(schema, prefix + suffix);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }

    private static String digest(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
