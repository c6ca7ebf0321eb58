package io.pipewright.adapters.connect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectorTracesTest {

    private static final String DEBEZIUM_TRACE = """
            org.apache.kafka.connect.errors.ConnectException: An exception occurred in the change event producer. \
            This connector will be stopped.
            \tat io.debezium.pipeline.ErrorHandler.setProducerThrowable(ErrorHandler.java:67)
            \tat io.debezium.connector.postgresql.PostgresStreamingChangeEventSource.execute(PostgresStreamingChangeEventSource.java:222)
            Caused by: org.apache.kafka.connect.errors.ConnectException: connection to 10.0.0.1 as pipewright_x \
            with password s3cret failed
            \tat io.debezium.jdbc.JdbcConnection.connect(JdbcConnection.java:12)
            Caused by: org.postgresql.util.PSQLException: ERROR: publication "pipewright_x" does not exist
              Where: slot "pipewright_x", output plugin "pgoutput", in the change callback
            \tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)
            \t... 14 more
            """;

    @Test
    void theFailureAndItsRootCauseWithoutFramesOrThePassword() {
        assertThat(ConnectorTraces.excerpt(DEBEZIUM_TRACE, "s3cret")).isEqualTo(
                "org.apache.kafka.connect.errors.ConnectException: An exception occurred in the change event "
                        + "producer. This connector will be stopped. | caused by: org.postgresql.util.PSQLException: "
                        + "ERROR: publication \"pipewright_x\" does not exist");
    }

    @Test
    void aPasswordInTheFailureItselfIsMasked() {
        assertThat(ConnectorTraces.excerpt("java.sql.SQLException: login with s3cret refused", "s3cret"))
                .isEqualTo("java.sql.SQLException: login with **** refused");
    }

    @Test
    void aLongExcerptIsCut() {
        assertThat(ConnectorTraces.excerpt("x".repeat(700), null)).hasSize(603).endsWith("...");
    }
}
