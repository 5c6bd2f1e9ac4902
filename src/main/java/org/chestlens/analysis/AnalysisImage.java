package org.chestlens.analysis;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.io.Serializable;
import org.springframework.data.domain.Persistable;

/** An encoded image of an analysis (table {@code analysis_image}). */
@Entity
@Table(name = "analysis_image")
class AnalysisImage implements Persistable<AnalysisImage.Key> {

    enum Kind { IMAGE, THUMBNAIL, HEATMAP, ANOMALY_MAP }

    @Embeddable
    record Key(@Column(name = "analysis_id") Long analysisId,
               @Enumerated(EnumType.STRING) @Column(name = "kind") Kind kind,
               @Column(name = "finding_code") String findingCode) implements Serializable {

        static Key of(long analysisId, Kind kind) {
            return new Key(analysisId, kind, "");
        }
    }

    @EmbeddedId
    private Key key;

    @Column(name = "media_type", nullable = false)
    private String mediaType;

    @Column(nullable = false)
    private byte[] bytes;

    /** Images are written once: saving never needs to look for an existing row first. */
    @Transient
    private boolean fresh;

    protected AnalysisImage() {
    }

    AnalysisImage(Key key, String mediaType, byte[] bytes) {
        this.key = key;
        this.mediaType = mediaType;
        this.bytes = bytes;
        this.fresh = true;
    }

    @Override
    public Key getId() {
        return key;
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    ImageBytes toImageBytes() {
        return new ImageBytes(bytes, mediaType);
    }
}
