package org.chestlens.patients;

import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

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

    boolean existsByOwnerIdAndReferenceIgnoreCaseAndIdNot(long ownerId, String reference, long id);

    long countByOwnerId(long ownerId);
}
