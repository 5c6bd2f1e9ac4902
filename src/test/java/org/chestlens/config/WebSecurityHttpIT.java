package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chestlens.TestAccounts;
import org.chestlens.accounts.AccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Web security over real HTTP, through Tomcat (MockMvc has no session cookies and no connector valves): the pages'
 * headers, the session cookie's attributes, and sign-in throttling behind a reverse proxy. The test configuration
 * trusts 127.0.0.2 as a proxy ({@code chestlens.trusted-proxies}); requests are sent from a socket bound to
 * 127.0.0.2 (the proxy) or 127.0.0.1 (a client talking to the server directly).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSecurityHttpIT {

    private static final String PROXY = "127.0.0.2";
    private static final String DIRECT = "127.0.0.1";

    @LocalServerPort
    int port;

    @Autowired
    AccountService accounts;

    @Test
    void pagesOpenedDirectlyCarryTheSecurityHeaders() throws IOException {
        for (String page : new String[] {"/", "/login", "/admin/usage", "/does-not-exist"}) {
            Response response = send(DIRECT, "GET", page, Map.of(), null);
            assertThat(response.header("Content-Security-Policy")).as(page).hasValueSatisfying(csp -> assertThat(csp)
                    .contains("default-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'",
                            "form-action 'self'"));
            assertThat(response.header("Permissions-Policy")).as(page).hasValueSatisfying(p -> assertThat(p).contains("camera=()"));
            assertThat(response.header("X-Frame-Options")).as(page).hasValue("SAMEORIGIN");
            assertThat(response.header("X-Content-Type-Options")).as(page).hasValue("nosniff");
            assertThat(response.header("Referrer-Policy")).as(page).hasValue("same-origin");
        }
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndSecureWhenTheProxyTerminatedTls() throws IOException {
        String plain = send(DIRECT, "GET", "/login", Map.of(), null).sessionCookie().orElseThrow();
        assertThat(plain).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContain("Secure");

        String overTls = send(PROXY, "GET", "/login", Map.of("X-Forwarded-For", "198.51.100.20",
                "X-Forwarded-Proto", "https"), null).sessionCookie().orElseThrow();
        assertThat(overTls).contains("HttpOnly", "Secure").containsIgnoringCase("SameSite=Lax");

        // A client cannot claim TLS for itself.
        String claimed = send(DIRECT, "GET", "/login", Map.of("X-Forwarded-Proto", "https"), null)
                .sessionCookie().orElseThrow();
        assertThat(claimed).doesNotContain("Secure");
    }

    @Test
    void behindTheTrustedProxyEachClientIsThrottledByItsOwnAddressAndNobodyElseCanPickOne() throws IOException {
        String email = TestAccounts.uniqueEmail("proxied");
        accounts.register(email, "Proxied", TestAccounts.PASSWORD);
        String sprayer = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 250);
        String neighbour = "198.51.100." + ThreadLocalRandom.current().nextInt(1, 250);

        // Ten wrong passwords from one client behind the proxy lock that client's address.
        for (int i = 0; i < 10; i++) {
            assertThat(signIn(PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
        }
        // Its next guess is checked, the one after it waits for the interval.
        assertThat(signIn(PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
        assertThat(signIn(PROXY, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?throttled");
        // Another client behind the same proxy is not affected: it signs in.
        assertThat(signIn(PROXY, neighbour, email, TestAccounts.PASSWORD)).isEqualTo("/");
        // Talking to the server directly, a client's X-Forwarded-For is ignored: it cannot borrow the locked address
        // (nor escape its own).
        assertThat(signIn(DIRECT, sprayer, TestAccounts.uniqueEmail("spray"), "guess")).isEqualTo("/login?error");
    }

    /** The login page's session and CSRF token, then the form post; returns where the server redirects. */
    private String signIn(String from, String forwardedFor, String email, String password) throws IOException {
        Map<String, String> forwarded = Map.of("X-Forwarded-For", forwardedFor);
        Response page = send(from, "GET", "/login", forwarded, null);
        String cookie = page.sessionCookie().orElseThrow().split(";", 2)[0];
        String token = meta(page.body(), "_csrf");
        String parameter = meta(page.body(), "_csrf_parameter");
        Map<String, String> headers = new LinkedHashMap<>(forwarded);
        headers.put("Cookie", cookie);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        String form = "username=" + encode(email) + "&password=" + encode(password) + "&" + encode(parameter) + "=" + encode(token);
        Response response = send(from, "POST", "/login", headers, form);
        assertThat(response.status()).as("sign-in answer").isEqualTo(302);
        return response.header("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
    }

    private static String meta(String html, String name) {
        Matcher matcher = Pattern.compile("<meta name=\"" + Pattern.quote(name) + "\" content=\"([^\"]*)\"").matcher(html);
        assertThat(matcher.find()).as("meta %s in the login page", name).isTrue();
        return matcher.group(1);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One HTTP/1.1 request from a chosen local address (an HTTP client library cannot bind one). */
    private Response send(String from, String method, String path, Map<String, String> headers, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nConnection: close\r\nAccept: text/html\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return Response.parse(socket.getInputStream().readAllBytes());
        }
    }

    record Response(int status, List<String[]> headers, String body) {

        Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }

        Optional<String> sessionCookie() {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase("Set-Cookie") && h[1].startsWith("JSESSIONID="))
                    .map(h -> h[1]).findFirst();
        }

        static Response parse(byte[] raw) throws IOException {
            int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String[] head = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(head[0].split(" ")[1]);
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < head.length; i++) {
                String[] pair = head[i].split(":", 2);
                headers.add(new String[] {pair[0].trim(), pair[1].trim()});
            }
            byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
            boolean chunked = headers.stream().anyMatch(h -> h[0].equalsIgnoreCase("Transfer-Encoding")
                    && h[1].toLowerCase(Locale.ROOT).contains("chunked"));
            return new Response(status, headers, new String(chunked ? unchunk(rest) : rest, StandardCharsets.UTF_8));
        }

        private static byte[] unchunk(byte[] data) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = new java.io.ByteArrayInputStream(data);
            while (true) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (c != '\r') {
                        line.append((char) c);
                    }
                }
                int size = Integer.parseInt(line.toString().split(";")[0].trim(), 16);
                if (size == 0) {
                    return out.toByteArray();
                }
                out.write(in.readNBytes(size));
                in.read();
                in.read();
            }
        }

        private static int indexOf(byte[] data, byte[] pattern) {
            outer:
            for (int i = 0; i <= data.length - pattern.length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            throw new IllegalArgumentException("no end of headers");
        }
    }
}
