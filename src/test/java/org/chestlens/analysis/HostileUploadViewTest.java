package org.chestlens.analysis;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.vaadin.flow.component.UI;
import org.chestlens.KaribuTest;
import org.chestlens.imaging.HostileFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hostile upload corpus of {@code api.HostileInputIT} through the upload page: each refused file gets a sentence
 * beside the drop zone (never "something went wrong") and stores nothing; each acceptable one opens its result.
 */
class HostileUploadViewTest extends KaribuTest {

    @Autowired
    JdbcTemplate jdbc;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.chestlens.imaging.HostileFiles#corpus")
    void refusedFilesAreExplainedBesideTheDropZoneAndNothingIsStored(HostileFiles.Entry file) {
        long before = analyses();
        UI.getCurrent().navigate(UploadView.class);
        UploadView page = _get(UploadView.class);
        UploadKt._upload(page.upload.upload, file.name(), "application/octet-stream", file.bytes());
        MockVaadin.clientRoundtrip();
        if (file.accepted()) {
            _get(ResultView.class);
            assertThat(analyses()).isEqualTo(before + 1);
        } else {
            _get(UploadView.class);
            assertThat(page.upload.getErrorText()).isNotBlank().doesNotContain("Something went wrong");
            assertThat(analyses()).isEqualTo(before);
        }
    }

    private long analyses() {
        return jdbc.queryForObject("select count(*) from analysis", Long.class);
    }
}
