package org.chestlens.analysis;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.CrudRepository;
import org.springframework.lang.Nullable;

interface AnalysisRepository extends CrudRepository<Analysis, Long> {

    Optional<Analysis> findByPublicId(String publicId);

    Page<Analysis> findByOwnerIdOrderByCreatedAtDesc(long ownerId, Pageable pageable);

    List<Analysis> findByOwnerIdAndPatientId(long ownerId, long patientId);

    long countByOwnerIdAndPatientId(long ownerId, long patientId);

    /** What the similarity index needs of confirmed analyses, without images. */
    interface Confirmed {
        String getPublicId();

        Long getOwnerId();

        String getConfirmedFindings();

        byte[] getEmbedding();
    }

    @Query(value = "select public_id as publicId, owner_id as ownerId, confirmed_findings as confirmedFindings, "
            + "embedding as embedding from analysis where confirmed_findings is not null and owner_id is not null "
            + "and embedding_space = :space", nativeQuery = true)
    List<Confirmed> findConfirmed(String space);

    @Query("select a.publicId from Analysis a where a.publicId in :publicIds and a.confirmedFindings is not null")
    List<String> findConfirmedPublicIds(Collection<String> publicIds);

    /** The access facts of an analysis, without loading it. */
    interface Access {
        Long getId();

        @Nullable
        Long getOwnerId();

        @Nullable
        Instant getExpiresAt();

        AnalysisStatus getStatus();
    }

    @Query("select a.id as id, a.ownerId as ownerId, a.expiresAt as expiresAt, a.status as status "
            + "from Analysis a where a.publicId = :publicId")
    Optional<Access> findAccess(String publicId);

    // Bulk deletes: PostgreSQL cascades to findings and images (on delete cascade).
    @Modifying
    @Query("delete from Analysis a where a.id = :id")
    int deleteNow(long id);

    @Modifying
    @Query("delete from Analysis a where a.ownerId = :ownerId and a.patientId = :patientId")
    int deleteByOwnerAndPatient(long ownerId, long patientId);

    @Modifying
    @Query("delete from Analysis a where a.expiresAt is not null and a.expiresAt <= :now")
    int deleteExpired(Instant now);
}
