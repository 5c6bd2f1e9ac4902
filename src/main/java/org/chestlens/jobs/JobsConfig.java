package org.chestlens.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.serializer.JacksonSerializer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.util.Optional;
import org.chestlens.operations.NodeName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * db-scheduler, as its Spring Boot starter sets it up from the {@code db-scheduler.*} properties and every
 * {@code Task} bean: here only its name for this node (shown in {@code scheduled_tasks.picked_by}) and JSON task
 * data (readable in the table, and it survives a change of the data class, unlike Java serialization).
 */
@Configuration(proxyBeanMethods = false)
class JobsConfig {

    @Bean
    DbSchedulerCustomizer dbSchedulerCustomizer(ObjectMapper json, NodeName node) {
        Serializer serializer = new JacksonSerializer(json);
        return new DbSchedulerCustomizer() {
            @Override
            public Optional<SchedulerName> schedulerName() {
                return Optional.of(new SchedulerName.Fixed(node.value()));
            }

            @Override
            public Optional<Serializer> serializer() {
                return Optional.of(serializer);
            }
        };
    }
}
