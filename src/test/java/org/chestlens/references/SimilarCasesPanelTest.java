package org.chestlens.references;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.NativeButton;
import com.vaadin.flow.component.html.Section;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/** The similar cases on the result page (issue 13: they open larger on click, with their diagnosis). */
class SimilarCasesPanelTest extends KaribuTest {

    private static final byte[] PHANTOM = TestImages.png(TestImages.phantomChest(300, 260, 5));

    @Autowired
    ReferenceLibrary library;
    @Autowired
    AnalysisService analyses;
    @Autowired
    AccountService accounts;

    @TempDir
    Path folder;

    private final String prefix = "panel-" + System.nanoTime() + "/";

    @AfterEach
    void removeImportedCases() {
        TestReferences.remove(context, prefix);
    }

    @Test
    void aReferenceOpensLargerWithItsDiagnosisSourceAndLicence() throws Exception {
        Files.createDirectories(folder.resolve(prefix + "images"));
        Files.write(folder.resolve(prefix + "images/same.png"), PHANTOM);
        Files.writeString(folder.resolve("index.csv"), "path,source,license,attribution,Pneumonia,Effusion\n"
                + prefix + "images/same.png,phantoms,CC0,Made by the test,1,1\n");
        library.importFolder(folder, Optional.empty(), 0);
        AnalysisResult result = analyses.analyse(AnalysisRequest.of(PHANTOM, "chest.png"));

        UI.getCurrent().navigate("analysis/" + result.publicId());
        Section panel = _get(Section.class, spec -> spec.withId("similar-cases"));
        NativeButton first = _get(panel, NativeButton.class, spec -> spec.withId("similar-case-0"));
        assertThat(first.getElement().getAttribute("aria-label")).startsWith("Show larger: Pneumonia, Effusion, Similarity 1.00");
        assertThat(first.getElement().getTextRecursively()).contains("Pneumonia, Effusion", "Reference library");

        _click(first);
        SimilarCasesPanel.CaseDialog dialog = _get(panel, SimilarCasesPanel.CaseDialog.class);
        assertThat(_get(dialog, H3.class).getText()).isEqualTo("Pneumonia, Effusion");
        assertThat(_get(dialog, Image.class).getAlt()).contains("Reference case: Pneumonia, Effusion");
        assertThat(dialog.getElement().getTextRecursively()).contains("Diagnosis (the data set's labels): Pneumonia, Effusion",
                "Similarity 1.00", "Data set: phantoms", "Image: Made by the test, licence CC0.");
        assertThat(_find(dialog, Anchor.class)).as("a reference has no analysis to open").isEmpty();
    }

    @Test
    void aClinicianCanOpenTheirOwnConfirmedCaseFromTheLargerView() {
        String email = TestAccounts.uniqueEmail("similar-panel");
        Account clinician = accounts.register(email, "Dr Similar", TestAccounts.PASSWORD);
        AnalysisResult earlier = analyses.analyse(AnalysisRequest.of(PHANTOM, "earlier.png").withOwner(clinician.getId()));
        analyses.confirmFindings(earlier.publicId(), clinician.getId(), Set.of("effusion"));
        AnalysisResult now = analyses.analyse(AnalysisRequest.of(PHANTOM, "now.png").withOwner(clinician.getId()));
        signIn(clinician.getId(), email, "Dr Similar", false);

        UI.getCurrent().navigate("analysis/" + now.publicId());
        Section panel = _get(Section.class, spec -> spec.withId("similar-cases"));
        List<NativeButton> cards = _find(panel, NativeButton.class, spec -> spec.withClasses("cl-similar"));
        NativeButton own = cards.stream().filter(c -> c.getElement().getTextRecursively().contains("Your confirmed case"))
                .findFirst().orElseThrow();
        _click(own);
        SimilarCasesPanel.CaseDialog dialog = _get(panel, SimilarCasesPanel.CaseDialog.class);
        assertThat(dialog.getElement().getTextRecursively()).contains("Diagnosis you confirmed: Effusion");
        assertThat(_get(dialog, Anchor.class).getHref()).isEqualTo("analysis/" + earlier.publicId());
    }
}
