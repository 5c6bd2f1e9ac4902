package org.chestlens.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Content negotiation before the work: Spring MVC picks the response format after the handler has run, so an
 * upload with {@code Accept: application/xml} was analysed and stored, then answered 406. An operation that
 * changes something and answers with JSON now refuses an Accept header without JSON before it starts.
 */
@Configuration(proxyBeanMethods = false)
class AcceptBeforeWork implements WebMvcConfigurer, HandlerInterceptor {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns(ApiSecurityConfig.BASE + "/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws HttpMediaTypeNotAcceptableException {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
                || !(handler instanceof HandlerMethod handlerMethod) || !answersWithJson(handlerMethod)) {
            return true;
        }
        List<String> accept = Collections.list(request.getHeaders(HttpHeaders.ACCEPT));
        if (accept.isEmpty()) {
            return true;
        }
        try {
            List<MediaType> acceptable = MediaType.parseMediaTypes(accept);
            if (acceptable.isEmpty() || acceptable.stream().anyMatch(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON))) {
                return true;
            }
        } catch (InvalidMediaTypeException e) {
            // An Accept header that cannot be read accepts nothing we could send.
        }
        throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
    }

    /** Whether the handler writes a JSON body (not void, not {@code ResponseEntity<Void>}). */
    private static boolean answersWithJson(HandlerMethod handler) {
        Class<?> type = handler.getReturnType().getParameterType();
        if (type == void.class || type == Void.class) {
            return false;
        }
        if (ResponseEntity.class.isAssignableFrom(type)) {
            Class<?> body = ResolvableType.forMethodParameter(handler.getReturnType()).getGeneric(0).resolve();
            return body != null && body != Void.class && body != byte[].class;
        }
        return true;
    }
}
