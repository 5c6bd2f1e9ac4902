package org.chestlens.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One formatter: the change between two percentages is always the difference of the two numbers shown. */
class NumbersTest {

    @Test
    void percentagesAreWholeWithHonestEnds() {
        assertThat(Numbers.percent(0.9351)).isEqualTo("94%");
        assertThat(Numbers.percent(0.003)).isEqualTo("<1%");
        assertThat(Numbers.percent(0)).isEqualTo("0%");
        assertThat(Numbers.percent(0.997)).isEqualTo(">99%");
        assertThat(Numbers.percent(1)).isEqualTo("100%");
        assertThat(Numbers.percent(0.125)).isEqualTo("13%");
    }

    @Test
    void aChangeIsTheDifferenceOfTheShownNumbersWithTheRightPlural() {
        // 93.51% and 94.49% both read "94%": no "up 1 point" beside them.
        assertThat(Numbers.percentChange(0.9351, 0.9449)).isEqualTo("unchanged");
        assertThat(Numbers.percentChange(0.40, 0.41)).isEqualTo("up 1 point");
        assertThat(Numbers.percentChange(0.60, 0.45)).isEqualTo("down 15 points");
        // "99%" to ">99%": the shown numbers differ, by less than a point.
        assertThat(Numbers.percentChange(0.987, 0.995)).isEqualTo("up less than 1 point");
        assertThat(Numbers.percentChange(0.004, 0.012)).isEqualTo("up 1 point");
        assertThat(Numbers.percentChange(0.003, 0.006)).isEqualTo("unchanged");
        // Whatever the two probabilities, the words never contradict the two numbers shown beside them.
        for (int i = 0; i <= 1000; i += 7) {
            for (int j = 0; j <= 1000; j += 11) {
                double a = i / 1000.0;
                double b = j / 1000.0;
                String change = Numbers.percentChange(a, b);
                if (Numbers.percent(a).equals(Numbers.percent(b))) {
                    assertThat(change).as(a + " -> " + b).isEqualTo("unchanged");
                } else {
                    assertThat(change).as(a + " -> " + b).isNotEqualTo("unchanged");
                }
                int shown = Numbers.shownPercent(b) - Numbers.shownPercent(a);
                if (Math.abs(shown) >= 1) {
                    assertThat(change).endsWith(Math.abs(shown) + (Math.abs(shown) == 1 ? " point" : " points"));
                }
            }
        }
    }

    @Test
    void ratesAndCounts() {
        assertThat(Numbers.rate(0.0234)).isEqualTo("2.3%");
        assertThat(Numbers.rate(0)).isEqualTo("0.0%");
        assertThat(Numbers.rate(0.0002)).isEqualTo("<0.1%");
        assertThat(Numbers.count(1, "study", "studies")).isEqualTo("1 study");
        assertThat(Numbers.count(2, "study", "studies")).isEqualTo("2 studies");
        assertThat(Numbers.count(0, "point", "points")).isEqualTo("0 points");
    }

    @Test
    void datesAreIsoWithTheZoneNamed() {
        assertThat(Dates.date(java.time.LocalDate.of(2026, 1, 5))).isEqualTo("2026-01-05");
        assertThat(Dates.dateTime(java.time.Instant.parse("2026-01-05T14:03:00Z"), java.time.ZoneId.of("UTC")))
                .isEqualTo("2026-01-05 14:03 UTC");
        assertThat(Dates.dateTime(java.time.Instant.parse("2026-01-05T14:03:00Z"), java.time.ZoneId.of("Europe/Berlin")))
                .isEqualTo("2026-01-05 15:03 CET");
    }
}
