package org.chestlens.patients;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.ValidationAccuracy;
import org.junit.jupiter.api.Test;

/** The compare table's change column agrees with the two percentages shown beside it. */
class ComparePanelTest {

    @Test
    void aChangeThatDoesNotShowInTheNumbersIsUnchangedAndPointsArePluralisedRight() {
        // 93.51% and 94.49% both read "94%": the issue saw "94% -> 94%" next to "up 1 points".
        assertThat(ComparePanel.change(finding(0.9351), finding(0.9449))).isEqualTo("unchanged, still positive");
        assertThat(ComparePanel.change(finding(0.60), finding(0.61))).isEqualTo("\u25b2 up 1 point, still positive");
        assertThat(ComparePanel.change(finding(0.80), finding(0.55))).isEqualTo("\u25bc down 25 points, still positive");
        assertThat(ComparePanel.change(finding(0.40), finding(0.60))).isEqualTo("\u25b2 up 20 points, became positive");
    }

    @Test
    void aLowPpvPositiveReadsPossibleInTheChangeToo() {
        ValidationAccuracy poor = new ValidationAccuracy(0.81, 0.76, 0.07, 0.99, 27, 1246, "adults");
        Finding before = new Finding("cardiomegaly", "Cardiomegaly", 0.05, 0.09, false, Map.of("a", 0.05), null, false, true, poor);
        Finding after = new Finding("cardiomegaly", "Cardiomegaly", 0.16, 0.09, true, Map.of("a", 0.16), null, false, true, poor);
        assertThat(ComparePanel.change(before, after)).isEqualTo("\u25b2 up 11 points, became possible");
    }

    private static Finding finding(double p) {
        return new Finding("effusion", "Effusion", p, 0.5, p >= 0.5, Map.of("a", p), null, false, true);
    }
}
