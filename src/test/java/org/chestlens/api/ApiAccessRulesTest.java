package org.chestlens.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.chestlens.KaribuTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

class ApiAccessRulesTest extends KaribuTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiHandlerDeclaresWhoMayCallIt() {
        Map<RequestMappingInfo, HandlerMethod> handlers = mappings.getHandlerMethods();
        long apiHandlers = 0;
        for (var entry : handlers.entrySet()) {
            HandlerMethod handler = entry.getValue();
            if (!handler.getBeanType().getPackageName().startsWith("org.chestlens")) {
                continue;
            }
            apiHandlers++;
            boolean declared = AnnotatedElementUtils.hasAnnotation(handler.getMethod(), PreAuthorize.class)
                    || AnnotatedElementUtils.hasAnnotation(handler.getBeanType(), PreAuthorize.class);
            assertThat(declared).as("@PreAuthorize on %s", entry.getKey()).isTrue();
        }
        assertThat(apiHandlers).isPositive();
    }
}
