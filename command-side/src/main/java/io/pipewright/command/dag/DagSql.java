package io.pipewright.command.dag;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DateValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimestampValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * The SQL rules of DAG pipelines, in one place because whatever renders and runs a task must apply the same ones.
 *
 * <p><b>Placeholders.</b> A query or message may hold only {@code ${execution_date}}, {@code ${run_id}} and
 * {@code ${pipeline_name}}; they are replaced by values before a task runs. To parse a query, each placeholder is
 * replaced by the literal {@code 0} padded with spaces to the placeholder's length, which is valid both inside a
 * string literal and where a value stands, and keeps the line and column of everything after it.
 *
 * <p><b>Queries</b> of sql tasks: exactly one statement, a {@code SELECT} (or {@code WITH ... SELECT}, or a set
 * operation of selects), without {@code SELECT ... INTO} and without data-modifying {@code WITH} items. A query that
 * does not parse is reported with the line and column where parsing stopped.
 *
 * <p><b>Quality checks</b> are one of two forms:
 * <ul>
 *   <li>{@code row_count <op> <number>}, {@code <op>} one of {@code = <> != < <= > >=}: the number of rows of the
 *   checked output compared with the number ({@link RowCountCheck});</li>
 *   <li>otherwise a boolean expression a row of the checked output must satisfy, built only of unqualified columns,
 *   literals (numbers, strings, {@code NULL}, {@code TRUE}/{@code FALSE}, {@code DATE '...'},
 *   {@code TIMESTAMP '...'}, {@code TIMESTAMPTZ '...'}), a sign before a number or column, comparisons ({@code = <> != < <= > >=}),
 *   {@code AND}, {@code OR}, {@code NOT}, {@code IS [NOT] NULL}, {@code [NOT] BETWEEN}, {@code [NOT] IN} a list of
 *   such values, parentheses, and casts to the plain types of {@link #CAST_TYPES}. No function call, subquery,
 *   arithmetic or other operator: a row breaking the check is one for which the expression is not true.</li>
 * </ul>
 */
public final class DagSql {

    public static final Set<String> PLACEHOLDERS = Set.of("execution_date", "run_id", "pipeline_name");
    /** The types a quality check may cast a value to ({@code x::integer}, {@code CAST(x AS date)}). */
    public static final Set<String> CAST_TYPES = Set.of("smallint", "integer", "int", "int2", "int4", "int8",
            "bigint", "numeric", "decimal", "real", "double precision", "float", "float4", "float8", "text",
            "varchar", "character varying", "char", "character", "boolean", "bool", "date", "timestamp",
            "timestamptz");

    private static final Set<DateTimeLiteralExpression.DateTime> TYPED_LITERALS = Set.of(
            DateTimeLiteralExpression.DateTime.DATE, DateTimeLiteralExpression.DateTime.TIMESTAMP,
            DateTimeLiteralExpression.DateTime.TIMESTAMPTZ);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern ROW_COUNT = Pattern.compile(
            "\\s*row_count\\s*(<=|>=|<>|!=|=|<|>)\\s*(-?\\d{1,18}(?:\\.\\d{1,18})?)\\s*", Pattern.CASE_INSENSITIVE);

    /** A {@code row_count <op> <number>} check: the output's row count compared with {@code number}. */
    public record RowCountCheck(String operator, BigDecimal number) {
    }

    private DagSql() {
    }

    /** The names of the {@code ${...}} placeholders of {@code text} that are not allowed, in order. */
    public static List<String> unknownPlaceholders(String text) {
        List<String> unknown = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            if (!PLACEHOLDERS.contains(matcher.group(1))) {
                unknown.add("${" + matcher.group(1) + "}");
            }
        }
        return unknown;
    }

    /** The query with each allowed placeholder replaced by {@code 0} padded to its length (see the class comment). */
    static String withDummyValues(String query) {
        Matcher matcher = PLACEHOLDER.matcher(query);
        StringBuilder replaced = new StringBuilder();
        while (matcher.find()) {
            String dummy = PLACEHOLDERS.contains(matcher.group(1))
                    ? "0" + " ".repeat(matcher.group().length() - 1) : matcher.group();
            matcher.appendReplacement(replaced, Matcher.quoteReplacement(dummy));
        }
        matcher.appendTail(replaced);
        return replaced.toString();
    }

    /**
     * Why {@code query} is not an allowed sql task query, or empty when it is. Its placeholders must have been
     * checked with {@link #unknownPlaceholders} first.
     */
    public static Optional<String> queryProblem(String query) {
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(withDummyValues(query));
        } catch (JSQLParserException e) {
            return Optional.of("does not parse as SQL: " + syntaxError(e));
        }
        if (statements.size() != 1 || !(statements.get(0) instanceof Select select)) {
            return Optional.of("must be a single SELECT (or WITH ... SELECT) statement");
        }
        return selectProblem(select);
    }

    private static Optional<String> selectProblem(Statement statement) {
        if (!(statement instanceof Select select)) {
            return Optional.of("must be a single SELECT (or WITH ... SELECT) statement; a WITH item may only select");
        }
        if (select.getWithItemsList() != null) {
            for (WithItem<?> item : select.getWithItemsList()) {
                Optional<String> problem = selectProblem(item.getStatement());
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        if (select instanceof PlainSelect plain && plain.getIntoTables() != null) {
            return Optional.of("must not use SELECT ... INTO; the task writes its rows to its output");
        }
        if (select instanceof SetOperationList operations) {
            for (Select part : operations.getSelects()) {
                Optional<String> problem = selectProblem(part);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        if (select instanceof ParenthesedSelect parenthesed) {
            return selectProblem(parenthesed.getSelect());
        }
        return Optional.empty();
    }

    /** The check as a row-count check, or empty when it is a column expression. */
    public static Optional<RowCountCheck> rowCountCheck(String check) {
        Matcher matcher = ROW_COUNT.matcher(check);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String operator = matcher.group(1).equals("!=") ? "<>" : matcher.group(1);
        return Optional.of(new RowCountCheck(operator, new BigDecimal(matcher.group(2))));
    }

    /** Why {@code check} is not an allowed quality check (see the class comment), or empty when it is. */
    public static Optional<String> checkProblem(String check) {
        if (rowCountCheck(check).isPresent()) {
            return Optional.empty();
        }
        if (check.contains("${")) {
            return Optional.of("may not hold placeholders");
        }
        Expression expression;
        try {
            expression = CCJSqlParserUtil.parseCondExpression(check, false);
        } catch (JSQLParserException e) {
            return Optional.of("does not parse as a check: " + syntaxError(e));
        }
        return expressionProblem(expression);
    }

    private static Optional<String> expressionProblem(Expression expression) {
        if (expression instanceof Column column) {
            return column.getTable() == null || column.getTable().getName() == null ? Optional.empty()
                    : Optional.of("may name only the checked output's columns, unqualified: " + column);
        }
        if (expression instanceof LongValue || expression instanceof DoubleValue || expression instanceof StringValue
                || expression instanceof NullValue || expression instanceof BooleanValue
                || expression instanceof DateValue || expression instanceof TimestampValue
                || expression instanceof DateTimeLiteralExpression literal && TYPED_LITERALS.contains(literal.getType())) {
            return Optional.empty();
        }
        if (expression instanceof SignedExpression signed) {
            return expressionProblem(signed.getExpression());
        }
        if (expression instanceof AndExpression || expression instanceof OrExpression
                || expression instanceof ComparisonOperator) {
            BinaryExpression binary = (BinaryExpression) expression;
            return firstProblem(List.of(binary.getLeftExpression(), binary.getRightExpression()));
        }
        if (expression instanceof NotExpression not) {
            return expressionProblem(not.getExpression());
        }
        if (expression instanceof IsNullExpression isNull) {
            return expressionProblem(isNull.getLeftExpression());
        }
        if (expression instanceof Between between) {
            return firstProblem(List.of(between.getLeftExpression(), between.getBetweenExpressionStart(),
                    between.getBetweenExpressionEnd()));
        }
        if (expression instanceof InExpression in) {
            if (!(in.getRightExpression() instanceof ExpressionList<?> values)
                    || in.getRightExpression() instanceof ParenthesedSelect) {
                return Optional.of("may use IN only with a list of values");
            }
            List<Expression> operands = new ArrayList<>(values);
            operands.add(0, in.getLeftExpression());
            return firstProblem(operands);
        }
        if (expression instanceof ParenthesedExpressionList<?> parenthesed && parenthesed.size() == 1) {
            return expressionProblem(parenthesed.get(0));
        }
        if (expression instanceof CastExpression cast) {
            String type = cast.getColDataType().getDataType().toLowerCase(Locale.ROOT).strip();
            return CAST_TYPES.contains(type) ? expressionProblem(cast.getLeftExpression())
                    : Optional.of("may cast only to " + String.join(", ", CAST_TYPES.stream().sorted().toList())
                    + ", not " + type);
        }
        return Optional.of("may use only columns, literals, comparisons, AND, OR, NOT, IS [NOT] NULL, BETWEEN, "
                + "IN (values) and casts to plain types; not: " + expression);
    }

    private static Optional<String> firstProblem(List<Expression> operands) {
        for (Expression operand : operands) {
            Optional<String> problem = expressionProblem(operand);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /** Where and why parsing stopped: "line 2, column 28: unexpected "ANDX"" when the parser says it. */
    private static String syntaxError(JSQLParserException failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ParseException)) {
            cause = cause.getCause();
        }
        if (cause instanceof ParseException parse && parse.currentToken != null && parse.currentToken.next != null) {
            Token unexpected = parse.currentToken.next;
            String found = unexpected.image == null || unexpected.image.isEmpty() ? "end of input"
                    : "\"" + unexpected.image + "\"";
            return "line " + unexpected.beginLine + ", column " + unexpected.beginColumn + ": unexpected " + found;
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        Matcher position = Pattern.compile("line (\\d+), column (\\d+)").matcher(String.valueOf(root.getMessage()));
        return position.find() ? "line " + position.group(1) + ", column " + position.group(2)
                + ": unterminated or invalid token" : "invalid syntax";
    }
}
