package org.chestlens.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.chestlens.analysis.TestDicom;
import org.junit.jupiter.api.Test;

/** Patient ID and study date read from a DICOM header only, for grouping batch uploads. */
class DicomStudyTagsTest {

    @Test
    void readsThePatientIdAndStudyDate() {
        DicomStudyTags tags = DicomStudyTags.read(TestDicom.of(TestImages.phantomChest(64, 64, 1), "HOSP-1 ", "20240229"));
        assertThat(tags.patientId()).contains("HOSP-1");
        assertThat(tags.studyDate()).contains(LocalDate.of(2024, 2, 29));
    }

    @Test
    void anImpossibleDateOrAnotherFormatGivesNothing() {
        assertThat(DicomStudyTags.read(TestDicom.of(TestImages.phantomChest(64, 64, 2), "X", "20230230")).studyDate()).isEmpty();
        assertThat(DicomStudyTags.read(TestDicom.of(TestImages.phantomChest(64, 64, 3), "X", null)).studyDate()).isEmpty();
        DicomStudyTags png = DicomStudyTags.read(TestImages.png(TestImages.phantomChest(64, 64, 4)));
        assertThat(png.patientId()).isEmpty();
        assertThat(png.studyDate()).isEmpty();
        byte[] cut = java.util.Arrays.copyOf(TestDicom.of(TestImages.phantomChest(64, 64, 5), "X", "20240101"), 140);
        assertThat(DicomStudyTags.read(cut).patientId()).as("a header cut short is no error").isEmpty();
    }
}
