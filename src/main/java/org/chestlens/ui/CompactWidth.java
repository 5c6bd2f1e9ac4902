package org.chestlens.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.WebBrowser;
import com.vaadin.flow.shared.Registration;
import java.util.function.Consumer;

/**
 * Tells a view whether the browser window is narrower than a width (a phone), on attach and on every resize, while
 * the view is attached. The page's resize listener is removed on detach: a view that only added one kept every
 * earlier instance of itself listening for as long as the browser tab lived. Vaadin learns the window's width only
 * after its first round trip; until then a phone's user agent decides, so that a phone's first paint is already the
 * phone layout (a narrow desktop window still starts wide).
 */
public final class CompactWidth {

    private CompactWidth() {
    }

    public static void follow(Component view, int width, Consumer<Boolean> compact) {
        view.addAttachListener(attach -> {
            UI ui = attach.getUI();
            compact.accept(isPhone(ui.getSession().getBrowser()));
            // Answers at once when this tab has reported its width before, else after the round trip.
            ui.getPage().retrieveExtendedClientDetails(details -> compact.accept(details.getWindowInnerWidth() < width));
            Registration resizing = ui.getPage().addBrowserWindowResizeListener(resize -> compact.accept(resize.getWidth() < width));
            view.addDetachListener(detach -> {
                resizing.remove();
                detach.unregisterListener();
            });
        });
    }

    /** iPhones, Windows phones and Android phones (Android tablets leave "Mobile" out of their user agent). */
    static boolean isPhone(WebBrowser browser) {
        if (browser == null) {
            return false;
        }
        String agent = String.valueOf(browser.getBrowserApplication());
        return browser.isIPhone() || browser.isWindowsPhone() || browser.isAndroid() && agent.contains("Mobile");
    }
}
