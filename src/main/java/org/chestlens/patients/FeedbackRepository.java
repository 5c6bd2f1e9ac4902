package org.chestlens.patients;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface FeedbackRepository extends JpaRepository<Feedback, String> {

    Optional<Feedback> findByAnalysisPublicIdAndOwnerId(String analysisPublicId, long ownerId);

    List<Feedback> findByAnalysisPublicIdInAndOwnerId(Collection<String> analysisPublicIds, long ownerId);
}
