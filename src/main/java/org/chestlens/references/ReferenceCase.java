package org.chestlens.references;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;
import org.chestlens.analysis.Converters;

/** A labelled case of the reference library (table {@code reference_case}). */
@Entity
@Table(name = "reference_case")
class ReferenceCase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "source_path", nullable = false)
    private String sourcePath;

    private String source;

    private String license;

    private String attribution;

    @Convert(converter = Converters.CodeSet.class)
    @Column(nullable = false)
    private Set<String> findings;

    @Column(nullable = false)
    private byte[] thumbnail;

    @Column(nullable = false)
    private byte[] embedding;

    @Column(name = "embedding_space", nullable = false)
    private String embeddingSpace;

    @Column(name = "imported_at", nullable = false)
    private Instant importedAt;

    protected ReferenceCase() {
    }

    ReferenceCase(String sourcePath, String source, String license, String attribution, Set<String> findings,
                  byte[] thumbnail, byte[] embedding, String embeddingSpace, Instant importedAt) {
        this.sourcePath = sourcePath;
        this.source = source;
        this.license = license;
        this.attribution = attribution;
        this.findings = findings;
        this.thumbnail = thumbnail;
        this.embedding = embedding;
        this.embeddingSpace = embeddingSpace;
        this.importedAt = importedAt;
    }

    Long getId() {
        return id;
    }

    String getSourcePath() {
        return sourcePath;
    }

    Set<String> getFindings() {
        return findings;
    }

    byte[] getThumbnail() {
        return thumbnail;
    }

    byte[] getEmbedding() {
        return embedding;
    }
}
