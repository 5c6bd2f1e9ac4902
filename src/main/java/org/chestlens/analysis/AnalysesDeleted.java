package org.chestlens.analysis;

import java.util.List;

/**
 * Published after analyses were deleted (by their owner, or with their patient), so features that keep something
 * of them (the similar-case index) can let go of it.
 *
 * @param publicIds the deleted analyses' public ids
 */
public record AnalysesDeleted(List<String> publicIds) {

    public AnalysesDeleted {
        publicIds = List.copyOf(publicIds);
    }
}
