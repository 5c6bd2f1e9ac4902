package org.chestlens.accounts;

import com.vaadin.flow.component.Component;

/**
 * A part of the profile page contributed by another feature (recent analyses, API tokens), so
 * that accounts does not depend on those features.
 */
public interface ProfileSection {

    /** Sort key on the page; lower comes first. */
    int order();

    Component create(long accountId);
}
