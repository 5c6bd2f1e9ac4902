package org.chestlens.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.HasStyle;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.shared.Registration;
import java.util.Optional;

/**
 * Server side of {@code <cl-xray-viewer>}: an X-ray with a heatmap overlay, zoom and pan, opacity
 * and window/level presets. Zoom and pan stay in the browser; opacity and overlay visibility come
 * back to the server so reports and comparisons can use them.
 */
@Tag("cl-xray-viewer")
@JsModule("./components/cl-xray-viewer.js")
public class XrayViewer extends Component implements HasSize, HasStyle {

    /** Window/level presets on the stored image; labels say what each is for. */
    public enum WindowPreset {
        DEFAULT("default", "As stored"),
        LUNGS("lungs", "Lungs (more contrast in dark areas)"),
        MEDIASTINUM("mediastinum", "Mediastinum (more contrast in bright areas)"),
        BONE("bone", "Bone"),
        INVERT("invert", "Inverted");

        private final String key;
        private final String label;

        WindowPreset(String key, String label) {
            this.key = key;
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private WindowPreset windowPreset = WindowPreset.DEFAULT;

    public XrayViewer() {
        setOpacity(0.7);
        setOverlayVisible(true);
        addSettingsChangeListener(e -> {
            getElement().setProperty("opacity", e.opacity());
            getElement().setProperty("overlayVisible", e.overlayVisible());
        });
    }

    public void setImage(DownloadHandler image, String alternativeText) {
        getElement().setAttribute("src", image);
        getElement().setProperty("alt", alternativeText);
    }

    /** Shows a heatmap over the image; {@code label} names it for screen readers. Empty: no overlay. */
    public void setOverlay(Optional<DownloadHandler> overlay, String label) {
        if (overlay.isPresent()) {
            getElement().setAttribute("overlay", overlay.get());
            getElement().setProperty("overlayLabel", label);
        } else {
            getElement().removeAttribute("overlay");
            getElement().removeProperty("overlayLabel");
        }
    }

    public double getOpacity() {
        return getElement().getProperty("opacity", 0.7);
    }

    public void setOpacity(double opacity) {
        getElement().setProperty("opacity", Math.max(0, Math.min(1, opacity)));
    }

    public boolean isOverlayVisible() {
        return getElement().getProperty("overlayVisible", true);
    }

    public void setOverlayVisible(boolean visible) {
        getElement().setProperty("overlayVisible", visible);
    }

    /** Whether the viewer shows its own opacity and on/off controls (off when a page shows shared ones). */
    public void setOverlayControlsVisible(boolean visible) {
        getElement().setProperty("overlayControls", visible);
    }

    public WindowPreset getWindowPreset() {
        return windowPreset;
    }

    public void setWindowPreset(WindowPreset preset) {
        this.windowPreset = preset;
        getElement().setProperty("windowPreset", preset.key);
    }

    /** Viewers in the same group mirror zoom, pan, opacity and overlay visibility in the browser. */
    public void setSyncGroup(String group) {
        getElement().setAttribute("sync-group", group);
    }

    public Registration addSettingsChangeListener(com.vaadin.flow.component.ComponentEventListener<SettingsChangeEvent> listener) {
        return addListener(SettingsChangeEvent.class, listener);
    }

    /** The user moved the opacity slider or switched the overlay on or off. */
    @DomEvent("settings-changed")
    public static class SettingsChangeEvent extends ComponentEvent<XrayViewer> {
        private final double opacity;
        private final boolean overlayVisible;

        public SettingsChangeEvent(XrayViewer source, boolean fromClient,
                                   @EventData("event.detail.opacity") double opacity,
                                   @EventData("event.detail.overlayVisible") boolean overlayVisible) {
            super(source, fromClient);
            this.opacity = opacity;
            this.overlayVisible = overlayVisible;
        }

        public double opacity() {
            return opacity;
        }

        public boolean overlayVisible() {
            return overlayVisible;
        }
    }
}
