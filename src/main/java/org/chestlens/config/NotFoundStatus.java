package org.chestlens.config;

import com.vaadin.flow.server.HttpStatusCode;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.server.VaadinServletRequest;
import com.vaadin.flow.spring.VaadinConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The page Vaadin serves for an unknown address answers HTTP 404, not 200, so that browsers, crawlers and
 * monitoring see "not found" as well as people (the page itself is {@code ui.NotFoundView}, drawn in the browser).
 */
@Component
class NotFoundStatus implements VaadinServiceInitListener {

    private final VaadinConfigurationProperties vaadinProperties;

    NotFoundStatus(VaadinConfigurationProperties vaadinProperties) {
        this.vaadinProperties = vaadinProperties;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.addIndexHtmlRequestListener(page -> {
            if (page.getVaadinRequest() instanceof VaadinServletRequest request
                    && UnknownRoutes.unknown(event.getSource(), vaadinProperties.getUrlMapping(), request.getHttpServletRequest())) {
                page.getVaadinResponse().setStatus(HttpStatusCode.NOT_FOUND.getCode());
            }
        });
    }
}
