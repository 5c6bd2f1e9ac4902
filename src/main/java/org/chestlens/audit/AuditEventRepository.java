package org.chestlens.audit;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface AuditEventRepository extends JpaRepository<AuditEvent, Long> {

    Page<AuditEvent> findAllByOrderByOccurredAtDesc(Pageable pageable);

    Page<AuditEvent> findByActionContainingIgnoreCaseOrActorEmailContainingIgnoreCaseOrderByOccurredAtDesc(
            String action, String actorEmail, Pageable pageable);

    List<AuditEvent> findByActorIdOrderByOccurredAtDesc(Long actorId);
}
