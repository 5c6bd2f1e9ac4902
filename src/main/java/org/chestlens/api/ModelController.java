package org.chestlens.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.analysis.ModelInfo;
import org.chestlens.references.ReferenceLibrary;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Model", description = "What the models can tell, and the reference library's images")
class ModelController {

    private final AnalysisService analyses;
    private final ReferenceLibrary references;

    ModelController(AnalysisService analyses, ReferenceLibrary references) {
        this.analyses = analyses;
        this.references = references;
    }

    record ModelJson(boolean available, String unavailableReason, ModelInfo model, List<FindingDescription> findings) {
    }

    @GetMapping("/model")
    @PreAuthorize("permitAll()")
    @Operation(summary = "The loaded model release and its findings with thresholds and validation numbers",
            description = "Findings with reported=false are never shown to users: their validation performance is not good "
                    + "enough. Per finding, measured on its validation population (valPopulation): AUC with 95% interval; at "
                    + "the threshold, sensitivity, specificity and positive predictive value (valPpv: of the images called "
                    + "positive, the share that had the finding; it holds at that population's prevalence, valPrevalence, "
                    + "and is lower where the finding is rarer); expected calibration error of the probability (valEce, 10 "
                    + "bins). Thresholds were chosen on the same images, so sensitivity, specificity and PPV are optimistic. "
                    + "Unknown numbers are null (AUCs: NaN).")
    ModelJson model() {
        return new ModelJson(analyses.available(), analyses.unavailableReason().orElse(null), analyses.model().orElse(null),
                analyses.available() ? analyses.findingCatalogue() : List.of());
    }

    @GetMapping("/references/{id}/thumbnail")
    @PreAuthorize("permitAll()")
    @Operation(summary = "Thumbnail of a reference-library case (the library holds no patient data)")
    ResponseEntity<byte[]> referenceThumbnail(@PathVariable long id) {
        return AnalysisController.send(references.thumbnail(id));
    }
}
