package org.chestlens.analysis;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import jakarta.persistence.QueryHint;
import org.hibernate.jpa.HibernateHints;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.data.repository.CrudRepository;
import org.springframework.lang.Nullable;

interface AnalysisRepository extends CrudRepository<Analysis, Long> {

    Optional<Analysis> findByPublicId(String publicId);

    Page<Analysis> findByOwnerIdOrderByCreatedAtDesc(long ownerId, Pageable pageable);

    List<Analysis> findByOwnerIdAndPatientId(long ownerId, long patientId);

    long countByOwnerIdAndPatientId(long ownerId, long patientId);

    /** What the similarity index needs of confirmed analyses, without images. */
    interface Confirmed {
        Long getId();

        String getPublicId();

        Long getOwnerId();

        String getConfirmedFindings();

        byte[] getEmbedding();
    }

    String CONFIRMED = "select id as id, public_id as publicId, owner_id as ownerId, confirmed_findings as confirmedFindings, "
            + "embedding as embedding from analysis where confirmed_findings is not null and owner_id is not null "
            + "and embedding_space = :space";

    /** All of them, streamed (a million embeddings would not fit in memory at once); inside a transaction. */
    @QueryHints(@QueryHint(name = HibernateHints.HINT_FETCH_SIZE, value = "500"))
    @Query(value = CONFIRMED, nativeQuery = true)
    Stream<Confirmed> streamConfirmed(String space);

    @Query(value = CONFIRMED + " and id in :ids", nativeQuery = true)
    List<Confirmed> findConfirmed(Collection<Long> ids, String space);

    interface PublicId {
        Long getId();

        String getPublicId();
    }

    @Query("select a.id as id, a.publicId as publicId from Analysis a where a.id in :ids and a.confirmedFindings is not null")
    List<PublicId> findConfirmedPublicIds(Collection<Long> ids);

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
