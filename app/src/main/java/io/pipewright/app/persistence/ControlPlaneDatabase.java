package io.pipewright.app.persistence;

import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One PostgreSQL database, two drivers: JDBC for Axon's stores, the command side's registries, Flyway and
 * db-scheduler; R2DBC for the query side. Declared here because an R2DBC ConnectionFactory makes Spring Boot back off
 * from the JDBC DataSource and its transaction manager, which would leave Axon without a transactional store.
 * Both come from the {@code spring.datasource.*} settings, so a deployment configures the database once; the JDBC
 * pool honours {@code spring.datasource.hikari.*} as Spring Boot's own would, and must be larger than db-scheduler's
 * threads, each of which may hold a connection while the event processors and the web need theirs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataSourceProperties.class)
class ControlPlaneDatabase {

    private static final int DB_SCHEDULER_DEFAULT_THREADS = 10;

    @Bean
    @Primary
    HikariDataSource dataSource(DataSourceProperties properties, Environment environment) {
        HikariDataSource dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
        Binder settings = Binder.get(environment);
        settings.bind("spring.datasource.hikari", Bindable.ofInstance(dataSource));
        int schedulerThreads = settings.bind("db-scheduler.threads", Integer.class)
                .orElse(DB_SCHEDULER_DEFAULT_THREADS);
        if (dataSource.getMaximumPoolSize() <= schedulerThreads) {
            throw new IllegalStateException("spring.datasource.hikari.maximum-pool-size ("
                    + dataSource.getMaximumPoolSize() + ") must be larger than db-scheduler.threads ("
                    + schedulerThreads + "): each scheduler thread may hold a connection, and the event processors"
                    + " and the web need theirs too");
        }
        return dataSource;
    }

    @Bean
    @Primary
    PlatformTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean
    ConnectionFactory connectionFactory(DataSourceProperties properties,
                                        @Value("${spring.r2dbc.pool.max-size:10}") int maxPoolSize) {
        String url = properties.determineUrl();
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("spring.datasource.url must be a jdbc:postgresql: URL");
        }
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse("r2dbc:pool:" + url.substring("jdbc:".length()))
                .mutate()
                .option(ConnectionFactoryOptions.USER, properties.determineUsername())
                .option(ConnectionFactoryOptions.PASSWORD, properties.determinePassword())
                .option(PoolingConnectionFactoryProvider.INITIAL_SIZE, 1)
                .option(PoolingConnectionFactoryProvider.MAX_SIZE, maxPoolSize)
                // Rows in PostgreSQL's binary format: a timestamp is 8 bytes, not text parsed through a
                // DateTimeFormatter with optional sections, which was the largest cost of reading a page of views.
                .option(PostgresqlConnectionFactoryProvider.FORCE_BINARY, true)
                .build();
        return ConnectionFactories.get(options);
    }
}
