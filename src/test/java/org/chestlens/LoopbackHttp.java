package org.chestlens;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 requests to a server on this machine from a chosen loopback address (127.0.0.x; an HTTP client library
 * cannot bind one), so that tests can be several clients, or a proxy, as the server's throttling and trusted-proxy
 * rules see them. Also the sign-in form as a browser posts it.
 */
public final class LoopbackHttp {

    private final int port;

    public LoopbackHttp(int port) {
        this.port = port;
    }

    /**
     * The login page's session and CSRF token, then the form post, from {@code from} (with an X-Forwarded-For header
     * when {@code forwardedFor} is not null); returns where the server redirects.
     */
    public String signIn(String from, String forwardedFor, String email, String password) throws IOException {
        Map<String, String> forwarded = forwardedFor == null ? Map.of() : Map.of("X-Forwarded-For", forwardedFor);
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

    /** One request from the local address {@code from}. */
    public Response send(String from, String method, String path, Map<String, String> headers, String body) throws IOException {
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

    public record Response(int status, List<String[]> headers, String body) {

        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst();
        }

        public Optional<String> sessionCookie() {
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
