package org.chestlens.api;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Unknown API paths answer problem+json 404 instead of falling through to the web UI. Not part of the published API,
 * and it leaves /api/swagger-ui/** (the browsable documentation's files) to springdoc's resource handler.
 */
@Hidden
@RestController
class ApiFallback {

    @RequestMapping({"/api", "/api/{first:(?!swagger-ui$).*}", "/api/{first:(?!swagger-ui$).*}/**"})
    @PreAuthorize("permitAll()")
    void unknown() {
        throw new ApiProblems.NotFound("There is no such API endpoint. See /api/docs.");
    }
}
