package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Colours follow the words, and the calm colour follows the manifest's "normal" flag, not a finding code; a row says
 * when the models disagree, and how often a positive call is right.
 */
class FindingsTableTest {

    static final ValidationAccuracy LOW_PPV = new ValidationAccuracy(0.81, 0.76, 0.07, 0.99, 27, 1246,
            "val images of sources nih + nih128 (adults)");
    static final ValidationAccuracy HIGH_PPV = new ValidationAccuracy(0.95, 0.98, 0.96, 0.98, 536, 1421,
            "all val images labelled for it");

    @Test
    void aPositiveNormalStudyFindingIsCalmAndEveryOtherPositiveIsAnAlarm() {
        assertThat(themes(finding("no_finding", true, true))).contains("success").doesNotContain("error");
        assertThat(FindingsTable.badge(finding("no_finding", true, true)).getText()).isEqualTo("Positive");
        // A hospital's own model may call its normal finding something else, or have none.
        assertThat(themes(finding("normal_study", true, true))).contains("success");
        assertThat(themes(finding("no_finding", true, false))).contains("error");
        assertThat(themes(finding("pneumonia", false, false))).contains("contrast").doesNotContain("error");
        assertThat(FindingsTable.badge(finding("pneumonia", false, false)).getText()).isEqualTo("Negative");
        assertThat(FindingsTable.positiveTheme(true)).isEqualTo("badge success");
        assertThat(FindingsTable.positiveTheme(false)).isEqualTo("badge error");
    }

    @Test
    void aSubTypeThatDoesNotApplyShowsNoNumberAndNoDecision() {
        Finding viral = new Finding("viral_pneumonia", "Viral Pneumonia", 0.76, 0.43, false, Map.of("a", 0.76),
                "Type of Pneumonia; probability if Pneumonia is present.", false, false);
        assertThat(FindingsTable.badge(viral).getText()).isEqualTo("Not applicable");
        assertThat(themes(viral)).contains("contrast").doesNotContain("error");
        assertThat(viral.probabilityText()).isEqualTo("n/a");
        String row = FindingsTable.of(List.of(finding("pneumonia", false, false), viral)).getElement()
                .getTextRecursively();
        assertThat(row).contains("n/a").doesNotContain("76%");
        assertThat(finding("pneumonia", false, false).probabilityText()).isEqualTo("10%");
    }

    /**
     * The case: positive at 16% because one member says 34% and two say <1%. The rule (models/MANIFEST.md):
     * members on both sides of the threshold and at least 25 points apart.
     */
    @Test
    void aFindingWhoseMembersFallOnBothSidesFarApartCarriesTheModelsDisagreeChip() {
        Finding split = withMembers(0.16, 0.158, 0.34, 0.004, 0.006);
        assertThat(split.membersDisagree()).isTrue();
        assertThat(chipTexts(split)).contains("models disagree");
        // Both sides, but close together: a borderline case, not a disagreement.
        Finding close = withMembers(0.16, 0.158, 0.17, 0.15, 0.16);
        assertThat(close.membersDisagree()).isFalse();
        assertThat(chipTexts(close)).doesNotContain("models disagree").contains("borderline");
        // Far apart, but all on the same side: they agree on the call.
        Finding sameSide = withMembers(0.7, 0.3, 0.95, 0.45, 0.6);
        assertThat(sameSide.membersDisagree()).isFalse();
        assertThat(chipTexts(sameSide)).isEmpty();
        // A single member cannot disagree with itself.
        assertThat(new Finding("x", "X", 0.5, 0.4, true, Map.of("a", 0.5), null, false, true).membersDisagree()).isFalse();
    }

    @Test
    void aPositiveThatIsUsuallyWrongReadsPossibleAndIsFlaggedForReview() {
        Finding cardiomegaly = new Finding("cardiomegaly", "Cardiomegaly", 0.16, 0.09, true, Map.of("a", 0.16), null,
                false, true, LOW_PPV);
        assertThat(cardiomegaly.flaggedForReview()).isTrue();
        assertThat(FindingsTable.badge(cardiomegaly).getText()).isEqualTo("Possible");
        assertThat(themes(cardiomegaly)).doesNotContain("error");
        String row = FindingsTable.of(List.of(cardiomegaly)).getElement().getTextRecursively();
        assertThat(row).contains("Possible", "flagged for review");
        assertThat(FindingsTable.bar(cardiomegaly).getElement().getChild(0).getClassList()).contains("cl-bar-possible")
                .doesNotContain("cl-bar-positive");

        Finding pneumonia = new Finding("pneumonia", "Pneumonia", 0.9, 0.14, true, Map.of("a", 0.9), null, false, true,
                HIGH_PPV);
        assertThat(pneumonia.flaggedForReview()).isFalse();
        assertThat(FindingsTable.badge(pneumonia).getText()).isEqualTo("Positive");
        // A negative is never "possible", whatever its PPV.
        Finding negative = new Finding("cardiomegaly", "Cardiomegaly", 0.02, 0.09, false, Map.of("a", 0.02), null, false,
                true, LOW_PPV);
        assertThat(FindingsTable.badge(negative).getText()).isEqualTo("Negative");
    }

    @Test
    void theDetailsSaySensitivitySpecificityAndPpvAndOnWhichImages() {
        Finding cardiomegaly = new Finding("cardiomegaly", "Cardiomegaly", 0.16, 0.09, true,
                new LinkedHashMap<>(Map.of("tiny-darknet", 0.34)), null, false, true, LOW_PPV);
        String details = FindingsTable.details(cardiomegaly).getElement().getTextRecursively();
        assertThat(details).contains("tiny-darknet 34%", "1273 validation X-rays", "nih + nih128", "27 with Cardiomegaly",
                "sensitivity 81%", "specificity 76%", "PPV 7%", "flagged for review");
        assertThat(FindingsTable.accuracyText(finding("x", true, false))).contains("no validation numbers");
    }

    /** The manifest's val numbers give the PPV: TP / (TP + FP) with TP = sens x positives, FP = (1 - spec) x negatives. */
    @Test
    void ppvFromTheModelCardsValidationNumbers() {
        var val = new org.chestlens.inference.ModelManifest.ValStats(0.83, 0.75, 0.91, 27, 1246, 0.8148, 0.7624, "nih");
        ValidationAccuracy accuracy = ValidationAccuracy.of(val).orElseThrow();
        double tp = 0.8148 * 27;
        double fp = (1 - 0.7624) * 1246;
        assertThat(accuracy.ppv()).isCloseTo(tp / (tp + fp), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(accuracy.ppv()).isBetween(0.06, 0.08);
        assertThat(accuracy.lowPpv()).isTrue();
        assertThat(ValidationAccuracy.of(new org.chestlens.inference.ModelManifest.ValStats(0.9, null, null, null, null,
                null, null, null))).isEmpty();
    }

    private static List<String> chipTexts(Finding finding) {
        return FindingsTable.chips(finding).getChildren().map(c -> c.getElement().getText()).toList();
    }

    private static Finding withMembers(double probability, double threshold, double... members) {
        Map<String, Double> byMember = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i++) {
            byMember.put("m" + i, members[i]);
        }
        return new Finding("nodule", "Nodule", probability, threshold, probability >= threshold, byMember, null, false, true);
    }

    private static String themes(Finding finding) {
        return FindingsTable.badge(finding).getElement().getAttribute("theme");
    }

    private static Finding finding(String code, boolean positive, boolean normal) {
        return new Finding(code, code, positive ? 0.9 : 0.1, 0.5, positive, Map.of("a", 0.5), null, normal, true);
    }
}
