package org.chestlens;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Meta;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
@Theme("chestlens")
@Meta(name = "description", content = "ChestLens: an explainable second opinion on chest X-rays. Decision support, not a diagnosis.")
@PWA(name = "ChestLens", shortName = "ChestLens", offlineResources = {})
public class ChestLensApplication implements AppShellConfigurator {

    public static void main(String[] args) {
        // `java -jar chestlens.jar evaluate|benchmark|import-references ...`: no web server, exit when done.
        if (org.chestlens.tools.Commands.handles(args)) {
            System.exit(org.chestlens.tools.Commands.run(args));
        }
        org.chestlens.operations.OrderlyStop.install(SpringApplication.run(ChestLensApplication.class, args));
    }
}
