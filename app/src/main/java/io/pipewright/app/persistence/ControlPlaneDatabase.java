package io.pipewright.app.persistence;

import com.zaxxer.hikari.HikariDataSource;
import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One PostgreSQL database, two drivers: JDBC for Axon's stores, the command side's registries, Flyway and
 * db-scheduler; R2DBC for the query side. Declared here because an R2DBC ConnectionFactory makes Spring Boot back off
 * from the JDBC DataSource and its transaction manager, which would leave Axon without a transactional store.
 * Both come from the {@code spring.datasource.*} settings, so a deployment configures the database once.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataSourceProperties.class)
class ControlPlaneDatabase {

    @Bean
    @Primary
    DataSource dataSource(DataSourceProperties properties) {
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
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
                .build();
        return ConnectionFactories.get(options);
    }
}
