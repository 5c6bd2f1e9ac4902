package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Colours follow the words, and the calm colour follows the manifest's "normal" flag, not a finding code. */
class FindingsTableTest {

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
        String row = FindingsTable.of(java.util.List.of(finding("pneumonia", false, false), viral)).getElement()
                .getTextRecursively();
        assertThat(row).contains("n/a").doesNotContain("76%");
        assertThat(finding("pneumonia", false, false).probabilityText()).isEqualTo("10%");
    }

    private static String themes(Finding finding) {
        return FindingsTable.badge(finding).getElement().getAttribute("theme");
    }

    private static Finding finding(String code, boolean positive, boolean normal) {
        return new Finding(code, code, positive ? 0.9 : 0.1, 0.5, positive, Map.of("a", 0.5), null, normal, true);
    }
}
