package org.chestlens;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sign-in form as a browser posts it, over {@link RawHttp} from a chosen loopback address. */
public final class SignInForm {

    private SignInForm() {
    }

    /**
     * The login page's session and CSRF token, then the form post, from {@code from} to the server on {@code port}
     * (with an X-Forwarded-For header when {@code forwardedFor} is not null); returns where the server redirects.
     */
    public static String signIn(int port, String from, String forwardedFor, String email, String password)
            throws IOException {
        InetAddress address = InetAddress.getByName(from);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/html");
        if (forwardedFor != null) {
            headers.put("X-Forwarded-For", forwardedFor);
        }
        RawHttp.Reply page = RawHttp.send(address, port, RawHttp.request("GET", "/login", headers, null));
        String token = meta(page.text(), "_csrf");
        String parameter = meta(page.text(), "_csrf_parameter");
        headers.put("Cookie", page.sessionCookie().orElseThrow().split(";", 2)[0]);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        String form = "username=" + encode(email) + "&password=" + encode(password) + "&" + encode(parameter) + "=" + encode(token);
        RawHttp.Reply response = RawHttp.send(address, port,
                RawHttp.request("POST", "/login", headers, form.getBytes(StandardCharsets.UTF_8)));
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
}
