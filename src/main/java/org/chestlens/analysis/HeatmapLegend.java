package org.chestlens.analysis;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import org.chestlens.imaging.Overlays;

/**
 * What the colours of a heatmap or anomaly map mean: the colour ramp the overlay really uses (colours and their
 * opacities, over an X-ray grey), what its two ends stand for, and the same in words for screen readers and print.
 */
final class HeatmapLegend {

    private HeatmapLegend() {
    }

    /** The findings' heatmaps: one fixed scale per finding, measured on validation X-rays, body only. */
    static Div forFindings() {
        Div legend = legend("uncoloured: no stronger than in most X-rays without the finding",
                "red: as strong as in the clearest X-rays with it",
                "Heatmap colours: where the image raised the chosen finding's probability. Each finding has one fixed "
                        + "scale, measured on validation X-rays, and is not stretched per image, so a weak or negative "
                        + "finding stays faint; colour starts where the evidence is stronger than in 95% of the regions "
                        + "of X-rays without the finding and is red where it is as strong as the strongest 1% in X-rays "
                        + "with it. Colour outside the body is not shown. The map shows where the models looked, not an "
                        + "outline of disease.");
        legend.setId("heatmap-legend");
        return legend;
    }

    /** The anomaly map: differences relative to the image's own largest ones. */
    static Div forAnomalyMap() {
        Div legend = legend("uncoloured: small differences", "red: the largest differences in this image",
                "Anomaly map colours: blue to red where the model trained only on normal X-rays reconstructs this image "
                        + "worst; red marks this image's largest differences (its top 1%), differences below a quarter of "
                        + "those stay uncoloured. The colours compare regions within this image; the score above compares "
                        + "the image with normal X-rays.");
        legend.setId("anomaly-legend");
        return legend;
    }

    private static Div legend(String lowEnd, String highEnd, String words) {
        Div scale = new Div();
        scale.addClassName("cl-heat-scale");
        scale.getStyle().set("background-image", Overlays.cssGradient());
        scale.getElement().setAttribute("aria-hidden", "true");
        Div labels = new Div(new Span(lowEnd), new Span(highEnd));
        labels.addClassName("cl-scale-labels");
        labels.getElement().setAttribute("aria-hidden", "true");
        Paragraph text = new Paragraph(words);
        text.addClassName("cl-caption");
        Div legend = new Div(scale, labels, text);
        legend.addClassName("cl-heat-legend");
        return legend;
    }
}
