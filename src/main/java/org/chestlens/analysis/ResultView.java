package org.chestlens.analysis;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.Icon;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Optional;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.CurrentUser;
import org.chestlens.ui.Dates;
import org.chestlens.ui.MainLayout;
import org.chestlens.ui.XrayViewer;

/**
 * The result of one analysis at its unguessable address: a summary first, then the X-ray with heatmaps beside the
 * findings (on a phone the findings come first), how unusual the image is, similar cases, the model, and what the
 * owner can do next. Anyone with the link may open an anonymous analysis until it expires; an owned one opens only
 * for its owner.
 */
@Route(value = "analysis/:" + ResultView.PUBLIC_ID, layout = MainLayout.class)
@AnonymousAllowed
public class ResultView extends Div implements BeforeEnterObserver, HasDynamicTitle {

    static final String PUBLIC_ID = "publicId";

    final XrayViewer viewer = new XrayViewer();
    final Select<Finding> heatmapFinding = new Select<>();
    /** Says when no heatmap is shown, or that the one shown is a negative finding's, shown on request. */
    final Paragraph heatmapNote = new Paragraph();
    final Select<XrayViewer.WindowPreset> windowPreset = new Select<>();

    private final AnalysisService analysisService;
    private final CurrentUser currentUser;
    private final List<ResultContribution> contributions;
    private final AuditTrail audit;

    private AnalysisResult result;
    private Optional<Long> requester = Optional.empty();
    // The viewer's settings, kept when the page is built anew (e.g. after filing the analysis under a patient).
    private String selectedFinding;
    private double opacity = 0.7;
    private boolean overlayVisible = true;

    public ResultView(AnalysisService analysisService, CurrentUser currentUser, List<ResultContribution> contributions,
                      AuditTrail audit) {
        this.analysisService = analysisService;
        this.currentUser = currentUser;
        this.contributions = contributions;
        this.audit = audit;
        addClassName("cl-result");
    }

    public static RouteParameters parameters(String publicId) {
        return new RouteParameters(PUBLIC_ID, publicId);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        requester = currentUser.accountId();
        String publicId = event.getRouteParameters().get(PUBLIC_ID).orElse("");
        result = analysisService.find(publicId, requester).orElse(null);
        if (result != null) {
            audit.record("RESULT_VIEWED", result.auditReference());
        }
        render();
    }

    @Override
    public String getPageTitle() {
        if (result == null) {
            return "Result not found | ChestLens";
        }
        return (result.completed() ? "X-ray result" : "Cannot analyse this image") + " | ChestLens";
    }

    /** Builds the page from {@link #result}; also after a contribution changed the analysis. */
    private void render() {
        removeAll();
        if (result == null) {
            add(new H1("Result not found"));
            Paragraph text = new Paragraph("This result does not exist, has been deleted or has expired, or it belongs "
                    + "to another account. Results of analyses made while signed in open only for their owner.");
            text.setId("result-not-found");
            add(text, new RouterLink("Analyse an X-ray", UploadView.class));
            return;
        }
        boolean owner = result.ownerId().isPresent() && result.ownerId().equals(requester);
        Optional<String> patientLabel = owner ? patientLabel() : Optional.empty();

        H1 title = new H1(result.completed() ? "X-ray analysis" : "ChestLens cannot analyse this image");
        title.setId("result-title");
        add(title);
        ResultSummary summary = result.completed() ? ResultSummary.of(result) : null;
        if (summary != null) {
            add(SummaryBanner.of(summary));
        }
        add(meta(patientLabel), actions(owner), retentionNotice());

        if (result.rejection().isPresent()) {
            add(rejection(result.rejection().get()));
        }

        Div imageColumn = new Div(imageControls(), heatmapNote, viewer);
        if (result.completed() && !result.heatmapFindings().isEmpty()) {
            imageColumn.add(HeatmapLegend.forFindings());
        }
        imageColumn.addClassName("cl-result-image");
        configureViewer();
        Div detailsColumn = new Div();
        detailsColumn.addClassName("cl-result-details");
        if (result.completed()) {
            Section findings = new Section(new H2("Findings"));
            findings.addClassName("cl-card");
            findings.addClassName("cl-table-scroll");
            findings.setId("findings-section");
            if (result.findings().isEmpty()) {
                findings.add(new Paragraph("The models report no findings for this image."));
            } else {
                findings.add(FindingsTable.statement(summary));
                if (!summary.findings().isEmpty()) {
                    findings.add(FindingsTable.of(summary.findings()));
                }
                findings.add(findingsCaption());
            }
            detailsColumn.add(findings);
        }
        // For an image the gate refused, "how unusual compared with normal X-rays" would only add a misleading number.
        if (result.completed()) {
            detailsColumn.add(AnomalyPanel.of(result.anomaly(),
                    Optional.of(AnalysisImages.anomalyMap(analysisService, result.publicId(), requester))));
        }
        Div columns = result.completed() ? new Div(imageColumn, detailsColumn) : new Div(imageColumn);
        columns.addClassName(result.completed() ? "cl-result-grid" : "cl-result-single");
        add(columns);

        if (result.completed()) {
            for (ResultContribution contribution : contributions) {
                contribution.resultSections(result, requester).forEach(this::add);
            }
        }
        if (owner) {
            for (ResultContribution contribution : contributions) {
                contribution.sections(result, this::reload).forEach(this::add);
            }
        }
        add(modelSection());
    }

    private void reload() {
        result = analysisService.find(result.publicId(), requester).orElse(null);
        render();
    }

    private Optional<String> patientLabel() {
        return contributions.stream().map(c -> c.patientLabel(result)).flatMap(Optional::stream).findFirst();
    }

    private Component meta(Optional<String> patientLabel) {
        Div meta = new Div();
        meta.setId("result-meta");
        meta.addClassName("cl-meta");
        patientLabel.ifPresent(label -> meta.add(metaItem("Patient", label)));
        result.studyDate().ifPresent(date -> meta.add(metaItem("Study date", Dates.date(date))));
        meta.add(metaItem("Analysed", Dates.dateTime(result.createdAt())));
        ImageInfo image = result.image();
        meta.add(metaItem("Image", image.format() + ", " + image.width() + " \u00d7 " + image.height() + " px"
                + (result.fileName().isBlank() ? "" : ", " + result.fileName())));
        result.note().ifPresent(note -> meta.add(metaItem("Note", note)));
        return meta;
    }

    private static Span metaItem(String label, String value) {
        Span term = new Span(label + ": ");
        term.addClassName("cl-meta-label");
        Span item = new Span(term, new Span(value));
        item.addClassName("cl-meta-item");
        return item;
    }

    private Component actions(boolean owner) {
        Button copy = new Button("Copy link", new Icon(VaadinIcon.LINK), e -> copyLink());
        copy.setId("copy-link");

        Button another = new Button("Analyse another X-ray", new Icon(VaadinIcon.UPLOAD),
                e -> getUI().ifPresent(ui -> ui.navigate(UploadView.class)));
        another.setId("analyse-another");
        another.addThemeVariants(ButtonVariant.LUMO_TERTIARY);

        Div actions = new Div(copy);
        contributions.forEach(c -> c.actions(result, requester).forEach(actions::add));
        actions.add(another);
        actions.addClassName("cl-actions");
        actions.setId("result-actions");
        if (owner || result.ownerId().isEmpty()) {
            Button delete = new Button("Delete", new Icon(VaadinIcon.TRASH), e -> confirmDelete());
            delete.setId("delete-analysis");
            delete.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            actions.add(delete);
        }
        return actions;
    }

    private void copyLink() {
        getElement().executeJs("""
                if (!navigator.clipboard) { return false; }
                return navigator.clipboard.writeText(window.location.href).then(() => true, () => false);""").then(Boolean.class, copied -> {
            if (Boolean.TRUE.equals(copied)) {
                Notification.show(result.ownerId().isPresent()
                                ? "Link copied. It opens only for you, when you are signed in."
                                : "Link copied. Anyone with it can open this result until it expires.",
                        5000, Notification.Position.BOTTOM_START).addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            } else {
                showLinkForManualCopy();
            }
        });
    }

    /** Browsers refuse the clipboard outside HTTPS or without permission: then the link is shown, selected. */
    private void showLinkForManualCopy() {
        TextField link = new TextField("Link to this result");
        link.setId("result-link");
        link.setReadOnly(true);
        link.setWidthFull();
        getUI().ifPresent(ui -> ui.getPage().fetchCurrentURL(url -> link.setValue(url.toString())));
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setHeader("Copy this link");
        dialog.add(new Paragraph("Your browser did not allow copying. Select the link and copy it yourself."), link);
        dialog.setConfirmText("Close");
        dialog.open();
        link.getElement().executeJs("setTimeout(() => { this.inputElement.select(); }, 50)");
    }

    private void confirmDelete() {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("confirm-delete-analysis");
        dialog.setHeader("Delete this analysis?");
        dialog.setText("The image, heatmaps and result are deleted now, for good. The link will stop working.");
        dialog.setCancelable(true);
        dialog.setConfirmText("Delete analysis");
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> {
            analysisService.delete(result.publicId(), requester);
            Notification.show("Analysis deleted.", 4000, Notification.Position.BOTTOM_START)
                    .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            getUI().ifPresent(ui -> ui.navigate(UploadView.class));
        });
        dialog.open();
    }

    private Component retentionNotice() {
        Paragraph notice = new Paragraph(result.expiresAt()
                .map(expires -> "Kept until " + Dates.dateTime(expires) + ", then the image and result are deleted. "
                        + "Anyone with the link can open it until then.")
                .orElse("Kept in your account until you delete it. Only you can open this link."));
        notice.setId("retention-notice");
        notice.addClassName("cl-muted");
        notice.addClassName("cl-retention");
        return notice;
    }

    private Component rejection(Rejection rejection) {
        Paragraph reason = new Paragraph(rejection.reason());
        reason.setId("rejection-reason");
        Paragraph suggestion = new Paragraph("What to upload instead: " + rejection.suggestion());
        suggestion.setId("rejection-suggestion");
        Button again = new Button("Upload another image", new Icon(VaadinIcon.UPLOAD),
                e -> getUI().ifPresent(ui -> ui.navigate(UploadView.class)));
        again.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Section section = new Section(new H2("Why there is no result"), reason, suggestion,
                new Paragraph("No findings are shown, because the models' answers for such an image would not be reliable."),
                again);
        section.setId("rejection");
        section.addClassName("cl-rejection");
        return section;
    }

    private Component imageControls() {
        Div controls = new Div();
        controls.addClassName("cl-image-controls");
        // Positive findings first (shown by default, most probable first); the others only on request, marked.
        List<Finding> shownByDefault = result.defaultHeatmapFindings();
        List<Finding> withHeatmap = new java.util.ArrayList<>(shownByDefault);
        result.findings().stream().filter(f -> result.heatmapFindings().contains(f.code()) && !shownByDefault.contains(f))
                .forEach(withHeatmap::add);
        if (!withHeatmap.isEmpty()) {
            heatmapFinding.setId("heatmap-finding");
            heatmapFinding.setLabel("Heatmap for");
            heatmapFinding.setItems(withHeatmap);
            heatmapFinding.setEmptySelectionAllowed(true);
            heatmapFinding.setEmptySelectionCaption("No heatmap");
            // The empty choice ("No heatmap") reaches the generator as null.
            heatmapFinding.setItemLabelGenerator(f -> f == null ? "No heatmap" : f.label() + " (" + f.probabilityText() + ", "
                    + (shownByDefault.contains(f) ? "positive" : onRequestNote(f)) + ")");
            heatmapFinding.setValue(shownByDefault.isEmpty() ? null : shownByDefault.get(0));
            heatmapFinding.addValueChangeListener(e -> showHeatmap(e.getValue()));
            controls.add(heatmapFinding);
        }
        if ("DICOM".equalsIgnoreCase(result.image().format())) {
            windowPreset.setId("window-preset");
            windowPreset.setLabel("Window (X-ray only, not the heatmap)");
            windowPreset.setItems(XrayViewer.WindowPreset.values());
            windowPreset.setItemLabelGenerator(XrayViewer.WindowPreset::label);
            windowPreset.setValue(XrayViewer.WindowPreset.DEFAULT);
            windowPreset.addValueChangeListener(e -> viewer.setWindowPreset(
                    e.getValue() == null ? XrayViewer.WindowPreset.DEFAULT : e.getValue()));
            controls.add(windowPreset);
        }
        return controls;
    }

    private void configureViewer() {
        viewer.setId("xray-viewer");
        viewer.setImage(AnalysisImages.image(analysisService, result.publicId(), requester), "Chest X-ray"
                + (result.fileName().isBlank() ? "" : " " + result.fileName()));
        viewer.addSettingsChangeListener(e -> {
            opacity = e.opacity();
            overlayVisible = e.overlayVisible();
        });
        viewer.setOpacity(opacity);
        viewer.setOverlayVisible(overlayVisible);
        showHeatmap(result.completed() ? heatmapFinding.getValue() : null);
    }

    /** Shows the finding's heatmap, or none; a finding that is not positive is marked as shown on request. */
    private void showHeatmap(Finding finding) {
        heatmapNote.setId("heatmap-note");
        heatmapNote.removeClassName("cl-on-request");
        heatmapNote.addClassName("cl-heatmap-note");
        if (finding == null) {
            selectedFinding = null;
            viewer.setOverlay(Optional.empty(), "");
            boolean offered = !result.heatmapFindings().isEmpty() && result.completed();
            heatmapNote.setText(offered && result.defaultHeatmapFindings().isEmpty()
                    ? "No finding is positive, so no heatmap is shown. Choose a finding under \u201cHeatmap for\u201d to see "
                      + "its map on request." : "");
            heatmapNote.setVisible(!heatmapNote.getText().isEmpty());
            return;
        }
        selectedFinding = finding.code();
        boolean onRequest = !result.defaultHeatmapFindings().contains(finding);
        viewer.setOverlay(Optional.of(AnalysisImages.heatmap(analysisService, result.publicId(), requester, finding.code())),
                "for " + finding.label() + (onRequest ? ", " + onRequestNote(finding) : ""));
        heatmapNote.setText(onRequest ? finding.label() + ": " + onRequestNote(finding) + "." : "");
        if (onRequest) {
            heatmapNote.addClassName("cl-on-request");
        }
        heatmapNote.setVisible(onRequest);
    }

    /** Why a finding's heatmap is not shown by default, in words (also in the heatmap choice). */
    static String onRequestNote(Finding finding) {
        if (finding.normal()) {
            return "statement about the whole study \u2014 map shown on request";
        }
        if (!finding.applicable()) {
            return "not applicable \u2014 map shown on request";
        }
        return finding.positive() ? "map shown on request" : "negative finding \u2014 map shown on request";
    }

    String selectedHeatmapFinding() {
        return selectedFinding;
    }

    private static Component findingsCaption() {
        Paragraph meaning = new Paragraph("A finding is positive when its probability reaches its threshold (the mark on "
                + "each bar), chosen on validation data to balance missed and false findings; \"possible\" when positive "
                + "calls were right less than half the time there. Details on each row say how often. Findings the models "
                + "cannot report reliably are not shown.");
        meaning.addClassName("cl-caption");
        return meaning;
    }

    private Component modelSection() {
        ModelInfo model = result.model();
        Paragraph modelLine = new Paragraph("Model: " + model.name() + " " + model.version()
                + String.format(java.util.Locale.ROOT, " \u00b7 analysed in %.0f ms", result.timings().totalMillis()));
        modelLine.setId("model-info");
        Paragraph disclaimer = new Paragraph(model.disclaimer() == null || model.disclaimer().isBlank()
                ? MainLayout.DISCLAIMER : model.disclaimer());
        disclaimer.setId("result-disclaimer");
        disclaimer.addClassName("cl-disclaimer");
        Section section = new Section(disclaimer, modelLine);
        section.addClassName("cl-model");
        return section;
    }
}
