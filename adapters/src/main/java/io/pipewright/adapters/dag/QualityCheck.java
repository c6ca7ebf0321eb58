package io.pipewright.adapters.dag;

import io.pipewright.adapters.postgres.SourceAdmin;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;

/**
 * One check of a {@code quality} task, as the reference writes them ({@code "row_count > 0"}, {@code "revenue >= 0"}),
 * turned into what can be asked of PostgreSQL. {@code row_count <op> N} compares the table's row count in Java. Any
 * other check is a predicate every row must satisfy: parsed with JSqlParser, accepted only if it is made of column
 * references, literals (numbers, strings, booleans, NULL), comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] BETWEEN and
 * [NOT] IN (a list), and rendered back from the parse tree by this class, each column quoted, each literal
 * re-written: no text of the check reaches the database unparsed, so a check cannot call a function, read another
 * table or end the statement.
 */
sealed interface QualityCheck permits QualityCheck.RowCount, QualityCheck.Predicate {

    /** The longest check parsed: a check is a condition, not a program. */
    int MAX_LENGTH = 2000;

    String check();

    /** {@code check} as what to ask, or {@link Refused} saying why it cannot be asked. */
    static QualityCheck parse(String check) {
        if (check == null || check.isBlank()) {
            throw new Refused("a check must not be empty");
        }
        if (check.length() > MAX_LENGTH) {
            throw new Refused("a check is at most " + MAX_LENGTH + " characters");
        }
        Matcher rowCount = RowCount.SHAPE.matcher(check);
        if (rowCount.matches()) {
            return new RowCount(check, rowCount.group(1), Long.parseLong(rowCount.group(2)));
        }
        Expression parsed;
        try {
            parsed = CCJSqlParserUtil.parseCondExpression(check, false);
        } catch (JSQLParserException | RuntimeException e) {
            throw new Refused("it is not a SQL condition");
        }
        return new Predicate(check, Render.predicate(parsed));
    }

    /** {@code row_count <op> N}: the table's rows compared with {@code N}. */
    record RowCount(String check, String operator, long bound) implements QualityCheck {

        static final Pattern SHAPE = Pattern.compile("\\s*row_count\\s*(>=|<=|<>|!=|>|<|=)\\s*(\\d{1,18})\\s*",
                Pattern.CASE_INSENSITIVE);

        boolean holds(long rows) {
            return switch (operator) {
                case ">" -> rows > bound;
                case ">=" -> rows >= bound;
                case "<" -> rows < bound;
                case "<=" -> rows <= bound;
                case "=" -> rows == bound;
                default -> rows != bound;
            };
        }
    }

    /** A condition every row must satisfy; {@code sql}: rendered from its parse tree. */
    record Predicate(String check, String sql) implements QualityCheck {
    }

    /** A check that is not one of the accepted forms; the message says why. */
    final class Refused extends IllegalArgumentException {

        Refused(String message) {
            super(message);
        }
    }

    /** The renderer: a node it does not know is refused, so the accepted forms are exactly those it renders. */
    final class Render {

        private static final Map<Class<? extends BinaryExpression>, String> COMPARISONS = Map.of(
                EqualsTo.class, "=", NotEqualsTo.class, "<>", GreaterThan.class, ">",
                GreaterThanEquals.class, ">=", MinorThan.class, "<", MinorThanEquals.class, "<=");

        private Render() {
        }

        /** A node whose value is true, false or null for a row. */
        static String predicate(Expression node) {
            if (node instanceof ParenthesedExpressionList<?> parenthesis && parenthesis.size() == 1) {
                return "(" + predicate(parenthesis.get(0)) + ")";
            }
            if (node.getClass() == AndExpression.class) {
                AndExpression and = (AndExpression) node;
                return predicate(and.getLeftExpression()) + " AND " + predicate(and.getRightExpression());
            }
            if (node.getClass() == OrExpression.class) {
                OrExpression or = (OrExpression) node;
                return predicate(or.getLeftExpression()) + " OR " + predicate(or.getRightExpression());
            }
            if (node.getClass() == NotExpression.class) {
                return "NOT " + predicate(((NotExpression) node).getExpression());
            }
            String comparison = COMPARISONS.get(node.getClass());
            if (comparison != null) {
                BinaryExpression binary = (BinaryExpression) node;
                if (binary instanceof OldOracleJoinBinaryExpression oracle && oracle.getOldOracleJoinSyntax() != 0) {
                    throw refused("(+)");
                }
                return operand(binary.getLeftExpression()) + " " + comparison + " "
                        + operand(binary.getRightExpression());
            }
            if (node.getClass() == IsNullExpression.class) {
                IsNullExpression isNull = (IsNullExpression) node;
                return operand(isNull.getLeftExpression()) + (isNull.isNot() ? " IS NOT NULL" : " IS NULL");
            }
            if (node.getClass() == Between.class) {
                Between between = (Between) node;
                if (between.isUsingSymmetric() || between.isUsingAsymmetric()) {
                    throw refused("BETWEEN SYMMETRIC");
                }
                return operand(between.getLeftExpression()) + (between.isNot() ? " NOT BETWEEN " : " BETWEEN ")
                        + operand(between.getBetweenExpressionStart()) + " AND "
                        + operand(between.getBetweenExpressionEnd());
            }
            if (node.getClass() == InExpression.class) {
                InExpression in = (InExpression) node;
                if (in.isGlobal() || in.getOldOracleJoinSyntax() != 0
                        || !(in.getRightExpression() instanceof ParenthesedExpressionList<?> list) || list.isEmpty()) {
                    throw refused("IN with anything but a list of values");
                }
                StringBuilder values = new StringBuilder();
                for (Object value : list) {
                    values.append(values.isEmpty() ? "" : ", ").append(operand((Expression) value));
                }
                return operand(in.getLeftExpression()) + (in.isNot() ? " NOT IN (" : " IN (") + values + ")";
            }
            if (node.getClass() == Column.class || node.getClass() == BooleanValue.class) {
                return operand(node);
            }
            throw refused(describe(node));
        }

        /** A column or a literal. */
        static String operand(Expression node) {
            if (node instanceof ParenthesedExpressionList<?> parenthesis && parenthesis.size() == 1) {
                return "(" + operand(parenthesis.get(0)) + ")";
            }
            if (node.getClass() == Column.class) {
                return column((Column) node);
            }
            if (node.getClass() == LongValue.class) {
                return ((LongValue) node).getBigIntegerValue().toString();
            }
            if (node.getClass() == DoubleValue.class) {
                return new BigDecimal(node.toString()).toString();
            }
            if (node.getClass() == StringValue.class) {
                StringValue string = (StringValue) node;
                if (string.getPrefix() != null && !string.getPrefix().isEmpty() || !"'".equals(string.getQuoteStr())) {
                    throw refused("a string other than '...'");
                }
                return "'" + string.getNotExcapedValue().replace("'", "''") + "'";
            }
            if (node.getClass() == BooleanValue.class) {
                return ((BooleanValue) node).getValue() ? "TRUE" : "FALSE";
            }
            if (node.getClass() == NullValue.class) {
                return "NULL";
            }
            if (node.getClass() == SignedExpression.class) {
                SignedExpression signed = (SignedExpression) node;
                Expression number = signed.getExpression();
                if ((signed.getSign() == '-' || signed.getSign() == '+')
                        && (number.getClass() == LongValue.class || number.getClass() == DoubleValue.class)) {
                    return signed.getSign() + operand(number);
                }
            }
            throw refused(describe(node));
        }

        /** A column of the checked table, by its name alone; unquoted, folded to lower case as PostgreSQL does. */
        private static String column(Column column) {
            if (column.getTable() != null && column.getTable().getName() != null
                    || column.getArrayConstructor() != null || column.getOldOracleJoinSyntax() != 0) {
                throw refused("a qualified column (" + column + ")");
            }
            String name = column.getColumnName();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
            } else {
                name = name.toLowerCase(Locale.ROOT);
            }
            if (name.isEmpty()) {
                throw refused("an empty column name");
            }
            return SourceAdmin.quote(name);
        }

        private static String describe(Expression node) {
            String kind = node.getClass().getSimpleName();
            return switch (kind) {
                case "Function" -> "a function call (" + node + ")";
                case "ParenthesedSelect", "Select", "PlainSelect" -> "a subquery";
                default -> kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT) + " (" + node + ")";
            };
        }

        private static Refused refused(String what) {
            return new Refused("it contains " + what + "; a check may use only columns, literals, comparisons, "
                    + "AND/OR/NOT, IS [NOT] NULL, BETWEEN and IN (a list)");
        }
    }
}
