package org.chestlens.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI chestLensOpenApi() {
        return new OpenAPI()
                .info(new Info().title("ChestLens API").version("v1")
                        .description("Everything the ChestLens UI does, for scripts and other systems. "
                                + "Anonymous callers may analyse images and read those results by their unguessable id; "
                                + "clinicians use a personal token (Profile → API tokens) as 'Authorization: Bearer <token>'. "
                                + "Errors are RFC 9457 problem+json. Decision support for education and research, "
                                + "not a medical diagnosis."))
                .components(new Components().addSecuritySchemes("token",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")));
    }
}
