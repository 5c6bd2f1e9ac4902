package org.chestlens.patients;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** Every query names the owner: there is deliberately no way here to load "any" patient by id. */
interface PatientRepository extends JpaRepository<Patient, Long> {

    Optional<Patient> findByIdAndOwnerId(long id, long ownerId);

    @Query("""
            select p from Patient p
            where p.ownerId = :ownerId
              and (:text = ''
                   or lower(p.reference) like concat('%', :text, '%') escape '\\'
                   or lower(coalesce(p.name, '')) like concat('%', :text, '%') escape '\\')
            """)
    Page<Patient> search(@Param("ownerId") long ownerId, @Param("text") String lowerCaseText, Pageable pageable);

    boolean existsByOwnerIdAndReferenceIgnoreCase(long ownerId, String reference);

    Optional<Patient> findByOwnerIdAndReferenceIgnoreCase(long ownerId, String reference);

    boolean existsByOwnerIdAndReferenceIgnoreCaseAndIdNot(long ownerId, String reference, long id);

    long countByOwnerId(long ownerId);

    /** Marks recent activity (a new or attached study), which orders the patient list. */
    @Modifying
    @Transactional
    @Query("update Patient p set p.updatedAt = :now where p.id = :id and p.ownerId = :ownerId")
    int touch(@Param("id") long id, @Param("ownerId") long ownerId, @Param("now") Instant now);

    @Modifying
    @Transactional
    @Query("delete from Patient p where p.id = :id and p.ownerId = :ownerId")
    int deleteOwned(@Param("id") long id, @Param("ownerId") long ownerId);
}
