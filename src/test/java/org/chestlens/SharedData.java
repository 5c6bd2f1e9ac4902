package org.chestlens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public data set the models were trained on, for the few tests that need it (tagged {@value #TAG}: the real
 * val split against the model card, the real SIIM DICOM, the out-of-distribution folder). They run only in their own
 * profile, {@code ./mvnw -B -Pdataset verify} (README, "Tests"), and fail there, never skip, when the data is absent.
 * The data is found at {@code ../shared/data} or wherever {@code -Dchestlens.shared-data=DIR} says.
 */
public final class SharedData {

    public static final String TAG = "dataset";

    private SharedData() {
    }

    /** The file or folder under the data directory; fails the test with what is missing and how to provide it. */
    public static Path require(String relative) {
        Path root = Path.of(System.getProperty("chestlens.shared-data", "../shared/data"));
        Path path = root.resolve(relative);
        assertThat(Files.exists(path)).as(path.toAbsolutePath() + " is needed by this test of the 'dataset' profile; "
                + "point -Dchestlens.shared-data at the folder holding cxr/, dicom/ and ood/ (README, \"Data\")").isTrue();
        return path;
    }
}
