package org.chestlens.analysis;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.CrudRepository;

interface ReferenceCaseRepository extends CrudRepository<ReferenceCase, Long> {

    long countByEmbeddingSpace(String space);

    interface Indexed {
        Long getId();

        String getFindings();

        byte[] getEmbedding();
    }

    @Query(value = "select id as id, findings as findings, embedding as embedding from reference_case "
            + "where embedding_space = :space order by id", nativeQuery = true)
    List<Indexed> findIndexed(String space);

    @Query("select r.thumbnail from ReferenceCase r where r.id = :id")
    Optional<byte[]> findThumbnail(long id);

    @Modifying
    @Query("delete from ReferenceCase r where r.sourcePath = :path and r.embeddingSpace = :space")
    int deleteByPathAndSpace(String path, String space);

    @Query("select r.id from ReferenceCase r where r.sourcePath = :path and r.embeddingSpace = :space")
    List<Long> findIdsByPathAndSpace(String path, String space);
}
