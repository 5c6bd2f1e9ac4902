package org.chestlens.api;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Unknown API paths answer problem+json 404 instead of falling through to the web UI. */
@RestController
class ApiFallback {

    @RequestMapping("/api/**")
    @PreAuthorize("permitAll()")
    void unknown() {
        throw new ApiProblems.NotFound("There is no such API endpoint. See /api/docs.");
    }
}
