package org.chestlens.references;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reference import as a durable one-time db-scheduler task (see {@link org.chestlens.jobs}): scheduled by
 * {@link ReferenceLibrary#startImport} under one instance id, so one import runs at a time across the nodes; when
 * its node dies db-scheduler revives it on another node, and {@link ReferenceLibrary#runImport} goes on after the
 * last batch that node committed. Exactly-once per case comes from the batch committing its cases with the import's
 * progress, and from a path being unique in the library (a repeated batch replaces, never adds).
 */
@Configuration(proxyBeanMethods = false)
class ReferenceImportJob {

    @Bean
    OneTimeTask<ReferenceLibrary.ImportRequest> referenceImport(ReferenceLibrary library) {
        return Tasks.oneTime(ReferenceLibrary.IMPORT_TASK, ReferenceLibrary.ImportRequest.class)
                .execute((instance, context) -> library.runImport(instance.getData()));
    }
}
