package org.chestlens;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** The package-by-feature structure of ARCHITECTURE.md, kept true: no cycles, no reaching into internals. */
class ModularityTest {

    @Test
    void modulesHaveNoCyclesAndRespectBoundaries() {
        ApplicationModules.of(ChestLensApplication.class).verify();
    }
}
