package org.chestlens.audit;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

public interface AuditEventRepository extends JpaRepository<AuditEvent, Long>, JpaSpecificationExecutor<AuditEvent> {

    Page<AuditEvent> findAllByOrderByOccurredAtDesc(Pageable pageable);

    Page<AuditEvent> findByActionContainingIgnoreCaseOrActorEmailContainingIgnoreCaseOrderByOccurredAtDesc(
            String action, String actorEmail, Pageable pageable);

    List<AuditEvent> findByActorIdOrderByOccurredAtDesc(Long actorId);

    @Query("select distinct e.action from AuditEvent e order by e.action")
    List<String> findDistinctActions();
}
