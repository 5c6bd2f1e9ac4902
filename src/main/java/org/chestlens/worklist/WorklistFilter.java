package org.chestlens.worklist;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What the worklist is narrowed to.
 *
 * @param finding only studies where this reported finding is positive
 * @param from    only studies dated on or after this day (study date, or the day analysed when none was given)
 * @param to      only studies dated on or before this day
 */
public record WorklistFilter(Optional<String> finding, Optional<LocalDate> from, Optional<LocalDate> to) {

    public static final WorklistFilter NONE = new WorklistFilter(Optional.empty(), Optional.empty(), Optional.empty());

    public WorklistFilter {
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new IllegalArgumentException("The first day (" + from.get() + ") is after the last day (" + to.get() + ").");
        }
    }
}
