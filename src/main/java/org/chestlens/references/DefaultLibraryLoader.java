package org.chestlens.references;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Loads the default reference library once the application is ready, when the loaded models have no library yet
 * (a fresh install, or a model upgrade), so that similar cases work out of the box. In the background: the server
 * answers meanwhile. {@code chestlens.references.load-default=false} keeps an empty library empty.
 */
@Component
class DefaultLibraryLoader {

    private final ReferenceLibrary library;
    private final boolean enabled;

    DefaultLibraryLoader(ReferenceLibrary library, @Value("${chestlens.references.load-default:true}") boolean enabled) {
        this.library = library;
        this.enabled = enabled;
    }

    @EventListener(ApplicationReadyEvent.class)
    void loadIfEmpty() {
        if (enabled) {
            library.startDefaultImportIfEmpty();
        }
    }
}
