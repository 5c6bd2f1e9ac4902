package org.chestlens.config;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.MultipartConfigFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Multipart limits follow the one upload limit ({@code CHESTLENS_UPLOAD_MAX_BYTES}), so raising it needs no second
 * setting. The whole request may be 2 MB more than the file: a file a little over the limit is then refused by the
 * file limit after it has been read, Tomcat swallows the rest (up to its 2 MB) and the client reads a clean 413;
 * a request over its limit is refused before reading, and clients that send everything first may see a reset.
 */
@Configuration
class UploadLimits {

    @Bean
    MultipartConfigElement multipartConfigElement(@Value("${chestlens.upload.max-bytes:30MB}") DataSize maxBytes) {
        MultipartConfigFactory factory = new MultipartConfigFactory();
        factory.setMaxFileSize(maxBytes);
        factory.setMaxRequestSize(DataSize.ofBytes(maxBytes.toBytes() + DataSize.ofMegabytes(2).toBytes()));
        return factory.createMultipartConfig();
    }
}
