package org.chestlens.references;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.CrudRepository;

interface ReferenceCaseRepository extends CrudRepository<ReferenceCase, Long> {

    long countByEmbeddingSpace(String space);

    /** What the similar-case list shows of a reference besides its labels. */
    interface Described {
        Long getId();

        String getSource();

        String getLicense();

        String getAttribution();
    }

    @Query("select r.id as id, r.source as source, r.license as license, r.attribution as attribution "
            + "from ReferenceCase r where r.id in :ids")
    List<Described> findDescribed(Collection<Long> ids);

    interface Row {
        Long getId();

        String getSourcePath();

        String getSource();

        String getLicense();

        Set<String> getFindings();

        Instant getImportedAt();
    }

    /** The cases without their images (thumbnail, embedding), newest first. */
    @Query(value = "select r.id as id, r.sourcePath as sourcePath, r.source as source, r.license as license, "
            + "r.findings as findings, r.importedAt as importedAt from ReferenceCase r where r.embeddingSpace = :space order by r.id desc",
            countQuery = "select count(r) from ReferenceCase r where r.embeddingSpace = :space")
    Page<Row> findListed(String space, Pageable pageable);

    interface LabelRow {
        String getCode();

        Long getCases();
    }

    /** Cases per label ({@code findings} holds space-separated codes), most frequent first. */
    @Query(value = "select label as code, count(*) as cases from reference_case "
            + "cross join lateral unnest(string_to_array(findings, ' ')) as label "
            + "where embedding_space = :space group by label order by count(*) desc, label", nativeQuery = true)
    List<LabelRow> countByLabel(String space);

    @Query("select r.thumbnail from ReferenceCase r where r.id = :id")
    Optional<byte[]> findThumbnail(long id);

    @Modifying
    @Query("delete from ReferenceCase r where r.sourcePath = :path and r.embeddingSpace = :space")
    int deleteByPathAndSpace(String path, String space);

    @Modifying
    @Query("delete from ReferenceCase r where r.embeddingSpace = :space")
    int deleteByEmbeddingSpace(String space);
}
