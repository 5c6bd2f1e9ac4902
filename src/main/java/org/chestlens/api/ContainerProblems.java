package org.chestlens.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.Writer;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.ValveBase;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Problem+json for the API where Spring MVC never sees the request: addresses Tomcat refuses itself (an encoded
 * NUL or slash, a request line or headers over 8 KB) got Tomcat's HTML error page, and those Spring Security's
 * firewall refuses (";", "//", an encoded ";") were sent to the web UI's error page, i.e. the sign-in page.
 * Everything else keeps the plain pages (without server version or stack trace).
 */
@Configuration(proxyBeanMethods = false)
class ContainerProblems {

    @Bean
    ErrorReportCustomizer problemErrorReports() {
        return new ErrorReportCustomizer();
    }

    /**
     * Replaces the host's error report valve once the context is set up. Runs after Spring Boot's own Tomcat
     * customizer, which adds the plain valve this one replaces.
     */
    static final class ErrorReportCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                StandardHost host = (StandardHost) context.getParent();
                Pipeline pipeline = host.getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new ProblemErrorReportValve());
                // The host adds its own report valve at start unless one of exactly this class is present.
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            });
            factory.addContextValves(new ApiErrorValve());
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    @Bean
    RequestRejectedHandler apiRequestRejectedHandler() {
        RequestRejectedHandler plain = new HttpStatusRequestRejectedHandler();
        return (request, response, e) -> {
            if (isApi(request.getRequestURI())) {
                write(response, HttpServletResponse.SC_BAD_REQUEST, "invalid-url", "Invalid address", "The address "
                        + "contains something the server refuses (such as ';', '//' or an encoded '/' or NUL).");
            } else {
                plain.handle(request, response, e);
            }
        };
    }

    /**
     * Errors Tomcat raises itself while the application runs: a request body that cannot be read (cut short, too
     * slow) makes Tomcat answer 400 and forward to the error page, which is the web UI's and sends the caller to the
     * sign-in page. For the API the error is answered here, as problem+json, before the host looks for an error page.
     */
    static final class ApiErrorValve extends ValveBase {

        ApiErrorValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (!isApi(request.getRequestURI()) || !response.isError() || response.isCommitted() || request.isAsync()
                    || !response.setErrorReported()) {
                return;
            }
            Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            boolean slow = false;
            boolean cut = false;
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                slow |= cause instanceof SocketTimeoutException;
                cut |= cause instanceof EOFException || cause instanceof ClientAbortException;
            }
            int status = slow ? HttpServletResponse.SC_REQUEST_TIMEOUT : response.getStatus();
            String code;
            String detail;
            if (slow) {
                code = "request-timeout";
                detail = "The request body came too slowly and was stopped. Check the connection and try again.";
            } else if (cut) {
                // The same code as an upload whose parts end early (MultipartProblems).
                boolean upload = String.valueOf(request.getContentType()).startsWith("multipart/");
                code = upload ? "incomplete-upload" : "incomplete-request";
                detail = upload ? "The upload ended before it was complete. Send the file again."
                        : "The request ended before its body was complete. Send it again.";
            } else {
                code = "http-" + status;
                detail = "The server could not handle this request.";
            }
            response.setSuspended(false);
            response.setStatus(status);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json(status, code, slow ? "Request timeout" : "Bad request", detail));
            }
            response.finishResponse();
        }
    }

    /** Tomcat's error report, as problem+json for the API and for requests too broken to tell their address. */
    public static class ProblemErrorReportValve extends ErrorReportValve {

        public ProblemErrorReportValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            String uri = request.getRequestURI();
            if (status < 400 || response.getContentWritten() > 0 || !(uri == null || uri.isEmpty() || isApi(uri))) {
                super.report(request, response, throwable);
                return;
            }
            if (!response.setErrorReported()) {
                return;
            }
            String message = String.valueOf(response.getMessage()) + " " + tomcatError(response, throwable);
            String code;
            String detail;
            if (message.contains("too large") || status == 413 || status == 414 || status == 431) {
                code = "request-too-large";
                detail = "The address or the request headers are too long (at most 8 KB).";
            } else if (status == 400) {
                code = "invalid-url";
                detail = "The address or the request is not valid (for example an encoded '/' or NUL in the address).";
            } else {
                code = "http-" + status;
                detail = "The server could not handle this request.";
            }
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(json(status, code, status == 400 ? "Bad request" : "Error", detail));
                    response.finishResponse();
                }
            } catch (IOException | RuntimeException e) {
                // The client is gone or the response cannot be written: nothing more to say.
            }
        }

        private static String tomcatError(Response response, Throwable throwable) {
            Throwable error = throwable != null ? throwable : response.getCoyoteResponse().getErrorException();
            return error == null ? "" : String.valueOf(error.getMessage());
        }
    }

    static boolean isApi(String uri) {
        return uri != null && (uri.startsWith(ApiSecurityConfig.BASE + "/") || uri.equals(ApiSecurityConfig.BASE));
    }

    private static void write(HttpServletResponse response, int status, String code, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Writer writer = response.getWriter();
        writer.write(json(status, code, title, detail));
        writer.flush();
    }

    /** Fixed texts only (no quotes or backslashes in them): nothing from the refused request is echoed. */
    private static String json(int status, String code, String title, String detail) {
        return "{\"type\":\"https://chestlens.org/problems/" + code + "\",\"title\":\"" + title + "\",\"status\":"
                + status + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
    }
}
