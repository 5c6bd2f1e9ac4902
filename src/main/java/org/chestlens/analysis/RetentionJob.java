package org.chestlens.analysis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes anonymous analyses (image, heatmaps, results) once their retention has passed. */
@Component
class RetentionJob {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final AnalysisService analyses;

    RetentionJob(AnalysisService analyses) {
        this.analyses = analyses;
    }

    @Scheduled(initialDelayString = "${chestlens.analysis.purge-initial-delay:PT1M}",
            fixedDelayString = "${chestlens.analysis.purge-interval:PT1H}")
    void purge() {
        int deleted = analyses.purgeExpired();
        if (deleted > 0) {
            log.info("Purged {} expired anonymous analyses", deleted);
        }
    }
}
