package org.chestlens.patients;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableHeaderCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.select.Select;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.analysis.AnalysisImages;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnalysisStatus;
import org.chestlens.analysis.AnalysisSummary;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.FindingsTable;
import org.chestlens.analysis.ResultSummary;
import org.chestlens.ui.Dates;
import org.chestlens.ui.Numbers;
import org.chestlens.ui.XrayViewer;

/**
 * Two of a patient's studies side by side with the same heatmap settings: one finding and window
 * chosen for both, and zoom, pan, opacity and overlay mirrored between the two images as you move
 * either. Below, each finding's probability in both studies and how it changed.
 */
class ComparePanel extends Div {

    final Select<AnalysisSummary> earlier = new Select<>();
    final Select<AnalysisSummary> later = new Select<>();
    final Select<String> finding = new Select<>();
    final Select<XrayViewer.WindowPreset> window = new Select<>();
    final XrayViewer earlierViewer = new XrayViewer();
    final XrayViewer laterViewer = new XrayViewer();
    private final Div body = new Div();

    private final PatientService patientService;
    private final AnalysisService analysisService;
    private final Patient patient;
    private final Optional<Long> requester;
    private final java.util.Set<String> normalCodes;
    private AnalysisResult earlierResult;
    private AnalysisResult laterResult;

    ComparePanel(PatientService patientService, AnalysisService analysisService, Patient patient,
                 List<AnalysisSummary> studies, Optional<Long> requester) {
        this.patientService = patientService;
        this.analysisService = analysisService;
        this.patient = patient;
        this.requester = requester;
        this.normalCodes = analysisService.normalFindingCodes();
        setId("compare");
        addClassName("cl-compare");
        List<AnalysisSummary> analysed = studies.stream().filter(s -> s.status() == AnalysisStatus.COMPLETED).toList();
        if (analysed.size() < 2) {
            Paragraph none = new Paragraph("Comparing needs two analysed studies of this patient; "
                    + (analysed.isEmpty() ? "there are none yet." : "there is one so far."));
            none.setId("compare-empty");
            none.addClassName("cl-muted");
            add(none);
            return;
        }
        for (Select<AnalysisSummary> select : List.of(earlier, later)) {
            select.setItems(analysed);
            select.setItemLabelGenerator(this::studyLabel);
            select.addValueChangeListener(e -> {
                if (e.isFromClient()) {
                    load();
                }
            });
        }
        earlier.setLabel("Earlier study");
        earlier.setId("compare-earlier");
        later.setLabel("Later study");
        later.setId("compare-later");
        // Newest first: the latest study against the one before it.
        later.setValue(analysed.get(0));
        earlier.setValue(analysed.get(1));

        finding.setLabel("Heatmap for both");
        finding.setId("compare-finding");
        finding.setEmptySelectionAllowed(true);
        finding.setEmptySelectionCaption("No heatmap");
        finding.addValueChangeListener(e -> showHeatmaps());
        window.setLabel("Window for both");
        window.setId("compare-window");
        window.setItems(XrayViewer.WindowPreset.values());
        window.setItemLabelGenerator(XrayViewer.WindowPreset::label);
        window.setValue(XrayViewer.WindowPreset.DEFAULT);
        window.addValueChangeListener(e -> {
            XrayViewer.WindowPreset preset = e.getValue() == null ? XrayViewer.WindowPreset.DEFAULT : e.getValue();
            earlierViewer.setWindowPreset(preset);
            laterViewer.setWindowPreset(preset);
        });

        String group = "compare-" + patient.getId();
        earlierViewer.setSyncGroup(group);
        laterViewer.setSyncGroup(group);
        earlierViewer.setId("compare-viewer-earlier");
        laterViewer.setId("compare-viewer-later");
        // One slider moves both: the browser mirrors it, the server keeps both in step for reloads.
        earlierViewer.addSettingsChangeListener(e -> mirror(laterViewer, e));
        laterViewer.addSettingsChangeListener(e -> mirror(earlierViewer, e));

        Div controls = new Div(earlier, later, finding, window);
        controls.addClassName("cl-compare-controls");
        Paragraph hint = new Paragraph("Zoom, pan, opacity and the heatmap switch move both images together.");
        hint.addClassName("cl-muted");
        add(controls, hint, body);
        load();
    }

    private static void mirror(XrayViewer other, XrayViewer.SettingsChangeEvent e) {
        other.setOpacity(e.opacity());
        other.setOverlayVisible(e.overlayVisible());
    }

    /** "5 Jan 2026, 2 positive findings": the models' normal finding is no positive finding. */
    String studyLabel(AnalysisSummary study) {
        long positive = study.positiveFindings().stream().filter(code -> !normalCodes.contains(code)).count();
        return Dates.date(PatientService.studyDate(study))
                + (positive == 0 ? ", no positive finding" : ", " + Numbers.count(positive, "positive finding", "positive findings"));
    }

    void load() {
        body.removeAll();
        if (earlier.getValue() == null || later.getValue() == null) {
            return;
        }
        if (earlier.getValue().equals(later.getValue())) {
            Paragraph same = new Paragraph("Choose two different studies.");
            same.addClassName("cl-error");
            same.setId("compare-same");
            body.add(same);
            return;
        }
        earlierResult = patientService.study(patient.getId(), earlier.getValue().publicId()).orElse(null);
        laterResult = patientService.study(patient.getId(), later.getValue().publicId()).orElse(null);
        if (earlierResult == null || laterResult == null) {
            body.add(new Paragraph("One of these studies is no longer available."));
            return;
        }
        // Findings with a heatmap in both studies, in the later study's order (most probable first).
        List<String> common = laterResult.findings().stream().map(Finding::code)
                .filter(code -> earlierResult.heatmapFindings().contains(code) && laterResult.heatmapFindings().contains(code))
                .toList();
        String previous = finding.getValue();
        finding.setItems(common);
        finding.setItemLabelGenerator(code -> code == null ? "No heatmap" : laterResult.finding(code).map(Finding::label).orElse(code) + " ("
                + earlierResult.finding(code).map(Finding::probabilityText).orElse("?") + " \u2192 "
                + laterResult.finding(code).map(Finding::probabilityText).orElse("?") + ")");
        finding.setVisible(!common.isEmpty());
        boolean dicom = "DICOM".equalsIgnoreCase(earlierResult.image().format()) || "DICOM".equalsIgnoreCase(laterResult.image().format());
        window.setVisible(dicom);

        earlierViewer.setImage(AnalysisImages.image(analysisService, earlierResult.publicId(), requester),
                "Earlier chest X-ray, " + studyLabel(earlier.getValue()));
        laterViewer.setImage(AnalysisImages.image(analysisService, laterResult.publicId(), requester),
                "Later chest X-ray, " + studyLabel(later.getValue()));
        // As on the result page: first a finding positive in the later (else the earlier) study, never No Finding;
        // none when neither study has a positive finding.
        String positive = java.util.stream.Stream.concat(laterResult.defaultHeatmapFindings().stream(),
                        earlierResult.defaultHeatmapFindings().stream())
                .map(Finding::code).filter(common::contains).findFirst().orElse(null);
        finding.setValue(common.contains(previous) ? previous : positive);
        showHeatmaps();

        body.add(side("Earlier: " + Dates.date(PatientService.studyDate(earlier.getValue())), earlierViewer),
                side("Later: " + Dates.date(PatientService.studyDate(later.getValue())), laterViewer));
        body.addClassName("cl-compare-grid");
        add(changes());
    }

    private Div side(String title, XrayViewer viewer) {
        Div side = new Div(new H3(title), viewer);
        side.addClassName("cl-compare-side");
        return side;
    }

    private void showHeatmaps() {
        String code = finding.getValue();
        if (earlierResult == null || laterResult == null) {
            return;
        }
        for (var pair : List.of(Map.entry(earlierViewer, earlierResult), Map.entry(laterViewer, laterResult))) {
            AnalysisResult result = pair.getValue();
            pair.getKey().setOverlay(code == null ? Optional.empty()
                            : Optional.of(AnalysisImages.heatmap(analysisService, result.publicId(), requester, code)),
                    code == null ? "" : "for " + result.finding(code).map(Finding::label).orElse(code));
        }
    }

    private Div changes() {
        getChildren().filter(c -> "compare-changes".equals(c.getId().orElse(null))).toList().forEach(this::remove);
        // The normal finding (No Finding) is a statement about the whole study: its own row, first, in words.
        ResultSummary before = ResultSummary.of(earlierResult);
        ResultSummary after = ResultSummary.of(laterResult);
        Map<String, Finding[]> rows = new LinkedHashMap<>();
        after.findings().forEach(f -> rows.computeIfAbsent(f.code(), c -> new Finding[2])[1] = f);
        before.findings().forEach(f -> rows.computeIfAbsent(f.code(), c -> new Finding[2])[0] = f);
        NativeTable table = new NativeTable();
        table.setCaptionText("Findings in both studies");
        table.addClassName("cl-findings");
        table.getHead().addRows(new NativeTableRow(col("Finding"),
                col(Dates.date(PatientService.studyDate(earlier.getValue()))),
                col(Dates.date(PatientService.studyDate(later.getValue()))), col("Change")));
        NativeTableHeaderCell study = new NativeTableHeaderCell("Whole study");
        study.getElement().setAttribute("scope", "row");
        NativeTableRow studyRow = new NativeTableRow(study, new NativeTableCell(before.studyCall()),
                new NativeTableCell(after.studyCall()), new NativeTableCell(before.studyCall().equals(after.studyCall())
                ? "unchanged" : "changed"));
        studyRow.setId("compare-study-row");
        table.getBody().addRows(studyRow);
        for (Finding[] pair : rows.values()) {
            Finding any = pair[1] != null ? pair[1] : pair[0];
            NativeTableHeaderCell name = new NativeTableHeaderCell(any.label());
            name.getElement().setAttribute("scope", "row");
            table.getBody().addRows(new NativeTableRow(name, cell(pair[0]), cell(pair[1]), new NativeTableCell(change(pair[0], pair[1]))));
        }
        Div wrapper = new Div(table);
        wrapper.setId("compare-changes");
        wrapper.addClassName("cl-card");
        wrapper.addClassName("cl-table-scroll");
        return wrapper;
    }

    private static NativeTableCell cell(Finding f) {
        if (f == null) {
            return new NativeTableCell("not reported");
        }
        Span value = new Span(f.probabilityText() + " ");
        return new NativeTableCell(value, FindingsTable.badge(f));
    }

    /**
     * In words, so the direction never depends on colour or an arrow alone; the points are the difference of the two
     * percentages shown beside it (one formatter), so "94% -> 94%" always reads "unchanged".
     */
    static String change(Finding before, Finding after) {
        if (before == null || after == null || !before.applicable() || !after.applicable()) {
            return "not comparable";
        }
        String delta = Numbers.percentChange(before.probability(), after.probability());
        String arrow = delta.startsWith("up") ? "\u25b2 " : delta.startsWith("down") ? "\u25bc " : "";
        String call = after.callText().toLowerCase(java.util.Locale.ROOT);
        String status = before.callText().equals(after.callText()) ? "still " + call : "became " + call;
        return arrow + delta + ", " + status;
    }

    private static NativeTableHeaderCell col(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }
}
