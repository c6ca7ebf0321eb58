package io.pipewright.localstack;

/** Who may connect over TCP: the pg_hba.conf a new PostgreSQL data directory gets. The first matching line wins. */
public enum HbaPolicy {

    /** Every role with its password over 127.0.0.1 (the control plane's own event store). */
    PASSWORD_FOR_EVERY_ROLE("""
            # TYPE  DATABASE     USER      ADDRESS        METHOD
            local   all          all                      trust
            host    all          all       127.0.0.1/32   scram-sha-256
            host    replication  all       127.0.0.1/32   scram-sha-256
            """),

    /**
     * Only the superuser over TCP; any other role is rejected by the catch-all line until an entry inserted above it
     * admits it (what the control plane does per pipeline on a source database).
     */
    SUPERUSER_ONLY("""
            # TYPE  DATABASE     USER      ADDRESS        METHOD
            local   all          all                      trust
            host    all          postgres  127.0.0.1/32   scram-sha-256
            host    replication  postgres  127.0.0.1/32   scram-sha-256
            host    all          all       all            reject
            """);

    private final String fileContent;

    HbaPolicy(String fileContent) {
        this.fileContent = fileContent;
    }

    String fileContent() {
        return fileContent;
    }
}
