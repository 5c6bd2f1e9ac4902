package org.chestlens.analysis;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.NativeDetails;
import com.vaadin.flow.component.html.NativeTable;
import com.vaadin.flow.component.html.NativeTableCell;
import com.vaadin.flow.component.html.NativeTableHeaderCell;
import com.vaadin.flow.component.html.NativeTableRow;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Section;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.server.streams.DownloadHandler;
import java.util.Locale;
import java.util.Optional;
import org.chestlens.ui.XrayViewer;

/**
 * How unusual the image is compared with normal X-rays (a VAE trained on normal images only): the
 * headline percentile with words, a scale, the map of what the model could not reconstruct, and the
 * raw scores for those who want them.
 */
public final class AnomalyPanel {

    private AnomalyPanel() {
    }

    /** What the percentile means, in words (also the PDF's). */
    public static String interpretation(double percentile) {
        if (percentile >= 95) {
            return "Very unusual compared with normal X-rays: something in this image differs from what the model learned "
                    + "as normal. This does not say what the difference is.";
        }
        if (percentile >= 75) {
            return "Somewhat unusual compared with normal X-rays.";
        }
        return "Within the range of normal X-rays the model has seen.";
    }

    /** @param map the anomaly map (the X-ray with its colours); empty: none is shown */
    static Section of(AnomalyScore anomaly, Optional<DownloadHandler> map) {
        Section panel = new Section();
        panel.setId("anomaly");
        panel.addClassName("cl-card");
        panel.addClassName("cl-anomaly");
        long pct = Math.round(anomaly.percentile());
        Paragraph headline = new Paragraph("More unusual than " + pct + "% of normal X-rays");
        headline.setId("anomaly-headline");
        headline.addClassName("cl-anomaly-headline");

        Div marker = new Div();
        marker.addClassName("cl-scale-marker");
        marker.getStyle().set("left", org.chestlens.ui.Numbers.cssPercent(anomaly.percentile() / 100));
        Div scale = new Div(marker);
        scale.addClassName("cl-scale");
        scale.getElement().setAttribute("aria-hidden", "true");
        Div scaleLabels = new Div(new Span("typical"), new Span("unusual"));
        scaleLabels.addClassName("cl-scale-labels");
        scaleLabels.getElement().setAttribute("aria-hidden", "true");

        Paragraph meaning = new Paragraph(interpretation(anomaly.percentile()));
        meaning.addClassName("cl-muted");
        panel.add(new H2("How unusual is this image?"), headline, scale, scaleLabels, meaning);

        map.ifPresent(handler -> {
            // The same zoomable viewer as the heatmap, as wide as the panel: the map is there to be read. Its picture
            // already holds the X-ray (drawn at 512 px), so the upload is not downloaded a second time.
            XrayViewer viewer = new XrayViewer();
            viewer.setId("anomaly-map");
            viewer.addClassName("cl-anomaly-map");
            viewer.setImage(handler, "Anomaly map: the chest X-ray coloured from blue to red where the model trained on "
                    + "normal X-rays reconstructs it worst");
            panel.add(viewer, HeatmapLegend.forAnomalyMap());
        });

        NativeTable scores = new NativeTable();
        scores.getHead().addRows(new NativeTableRow(col("Score"), col("Value"), col("Percentile among normal X-rays")));
        scores.getBody().addRows(score("Reconstruction error (MSE)", String.format(Locale.ROOT, "%.5f", anomaly.mse()), anomaly.msePercentile()));
        scores.getBody().addRows(score("Latent divergence (KL)", String.format(Locale.ROOT, "%.2f", anomaly.kl()), anomaly.klPercentile()));
        scores.getBody().addRows(score("Negative ELBO (overall)", String.format(Locale.ROOT, "%.1f", anomaly.negElbo()), anomaly.negElboPercentile()));
        NativeDetails details = new NativeDetails("Scores (MSE, KL, ELBO)", scores);
        details.setId("anomaly-details");
        details.addClassName("cl-details");
        panel.add(details);
        return panel;
    }

    private static NativeTableRow score(String name, String value, double percentile) {
        NativeTableHeaderCell label = new NativeTableHeaderCell(name);
        label.getElement().setAttribute("scope", "row");
        return new NativeTableRow(label, new NativeTableCell(value),
                new NativeTableCell(String.format(Locale.ROOT, "%.0f", percentile)));
    }

    private static NativeTableHeaderCell col(String text) {
        NativeTableHeaderCell cell = new NativeTableHeaderCell(text);
        cell.getElement().setAttribute("scope", "col");
        return cell;
    }
}
