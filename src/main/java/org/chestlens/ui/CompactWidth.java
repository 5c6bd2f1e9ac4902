package org.chestlens.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.page.Page;
import com.vaadin.flow.shared.Registration;
import java.util.function.Consumer;

/**
 * Tells a view whether the browser window is narrower than a width (a phone), once the browser has reported it and
 * again on every resize, while the view is attached. The page's resize listener is removed on detach: a view that
 * only added one kept every earlier instance of itself listening for as long as the browser tab lived. Vaadin learns
 * the width only after its first round trip, so the first paint of a freshly opened tab is the wide layout.
 */
public final class CompactWidth {

    private CompactWidth() {
    }

    public static void follow(Component view, int width, Consumer<Boolean> compact) {
        view.addAttachListener(attach -> {
            Page page = attach.getUI().getPage();
            page.retrieveExtendedClientDetails(details -> compact.accept(details.getWindowInnerWidth() < width));
            Registration resizing = page.addBrowserWindowResizeListener(resize -> compact.accept(resize.getWidth() < width));
            view.addDetachListener(detach -> {
                resizing.remove();
                detach.unregisterListener();
            });
        });
    }
}
