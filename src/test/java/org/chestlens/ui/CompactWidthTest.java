package org.chestlens.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.WebBrowser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CompactWidthTest {

    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    private static final String ANDROID_PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    private static final String ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0 Safari/537.36";

    @BeforeEach
    void ui() {
        MockVaadin.setup();
    }

    @AfterEach
    void tearDown() {
        MockVaadin.tearDown();
    }

    /** Before the browser's width is known, the first layout a phone gets is the compact one. */
    @Test
    void aPhoneStartsCompactBeforeItsWidthIsKnown() {
        VaadinSession.getCurrent().setBrowser(browser(IPHONE, true, false));
        List<Boolean> told = new ArrayList<>();
        Div view = new Div();
        CompactWidth.follow(view, 700, told::add);
        UI.getCurrent().add(view);
        assertThat(told).isNotEmpty();
        assertThat(told.get(0)).isTrue();
    }

    @Test
    void phonesAreToldFromTabletsAndDesktops() {
        assertThat(CompactWidth.isPhone(browser(IPHONE, true, false))).isTrue();
        assertThat(CompactWidth.isPhone(browser(ANDROID_PHONE, false, true))).isTrue();
        assertThat(CompactWidth.isPhone(browser(ANDROID_TABLET, false, true))).isFalse();
        assertThat(CompactWidth.isPhone(browser("Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0", false, false))).isFalse();
        assertThat(CompactWidth.isPhone(null)).isFalse();
    }

    /** Detached, a view no longer listens to the window (each visit left a listener on the page before). */
    @Test
    void aDetachedViewStopsListening() throws ReflectiveOperationException {
        Div view = new Div();
        CompactWidth.follow(view, 700, compact -> { });
        for (int visit = 0; visit < 3; visit++) {
            UI.getCurrent().add(view);
            assertThat(resizeListeners()).isEqualTo(1);
            UI.getCurrent().remove(view);
            assertThat(resizeListeners()).isZero();
        }
    }

    private static WebBrowser browser(String agent, boolean iphone, boolean android) {
        WebBrowser browser = mock(WebBrowser.class);
        when(browser.getBrowserApplication()).thenReturn(agent);
        when(browser.isIPhone()).thenReturn(iphone);
        when(browser.isAndroid()).thenReturn(android);
        return browser;
    }

    private static int resizeListeners() throws ReflectiveOperationException {
        java.lang.reflect.Field listeners = com.vaadin.flow.component.page.Page.class.getDeclaredField("resizeListeners");
        listeners.setAccessible(true);
        List<?> list = (List<?>) listeners.get(UI.getCurrent().getPage());
        return list == null ? 0 : list.size();
    }
}
