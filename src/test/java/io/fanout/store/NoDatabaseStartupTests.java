package io.fanout.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fanout.FanoutApplication;
import io.r2dbc.spi.ConnectionFactory;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** SPEC §3 zero-setup default: without {@code spring.r2dbc.url} nothing may touch (or even configure) a database. */
@SpringBootTest(classes = FanoutApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class NoDatabaseStartupTests {

    @Autowired
    ApplicationContext context;

    @Test
    void shouldStartWithoutAnyDatabaseBeansWhenNoR2dbcUrlIsConfigured() {
        assertThat(context.getBeanNamesForType(ConnectionFactory.class)).isEmpty();
        assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
        assertThat(context.getBeanNamesForType(Flyway.class)).isEmpty();
    }
}
