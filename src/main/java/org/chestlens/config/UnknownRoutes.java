package org.chestlens.config;

import com.vaadin.flow.router.internal.NavigationRouteTarget;
import com.vaadin.flow.server.HandlerHelper;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.spring.SpringServlet;
import com.vaadin.flow.spring.VaadinConfigurationProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Page requests (GET, not Vaadin's own traffic) for an address no view is registered at. Spring Security
 * lets them through for everyone, so that Vaadin answers with the "not found" page: otherwise an anonymous
 * visitor with a mistyped address would be sent to the sign-in page, as if the page existed and needed an
 * account. Nothing is exposed: existing views keep their access rules, and the REST API has its own chain.
 */
final class UnknownRoutes implements RequestMatcher {

    private final ServletRegistrationBean<SpringServlet> vaadinServlet;
    private final VaadinConfigurationProperties vaadinProperties;

    UnknownRoutes(ServletRegistrationBean<SpringServlet> vaadinServlet, VaadinConfigurationProperties vaadinProperties) {
        this.vaadinServlet = vaadinServlet;
        this.vaadinProperties = vaadinProperties;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        String mapping = vaadinProperties.getUrlMapping();
        if (!"GET".equals(request.getMethod()) || HandlerHelper.isFrameworkInternalRequest(mapping, request)) {
            return false;
        }
        VaadinService service = vaadinServlet.getServlet().getService();
        return service != null && unknown(service, mapping, request);
    }

    /**
     * True when the request's path lies inside the Vaadin servlet, is not one of its resources and no view is
     * registered at it. Spring Boot's {@code /error} is not a page and keeps its rules.
     */
    static boolean unknown(VaadinService service, String mapping, HttpServletRequest request) {
        Optional<String> inside = HandlerHelper.getPathIfInsideServlet(mapping, HandlerHelper.getRequestPathInsideContext(request));
        if (inside.isEmpty()) {
            return false;
        }
        String path = inside.get().startsWith("/") ? inside.get().substring(1) : inside.get();
        if (path.startsWith("VAADIN/") || path.equals("error")) {
            return false;
        }
        NavigationRouteTarget target = service.getRouter().getRegistry().getNavigationRouteTarget(path);
        return target == null || target.getRouteTarget() == null;
    }
}
