package org.chestlens.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.references.ReferenceLibrary;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * The command-line modes of the packaged jar ({@code java -jar chestlens.jar COMMAND ...}): they start the
 * pipeline's beans and the database without any web server, run, print a table and exit.
 * <ul>
 *   <li>{@code evaluate --data DIR [--split S] [--limit N] [--out FILE.json] [--predictions FILE.csv]}</li>
 *   <li>{@code benchmark [--images DIR] [--n N] [--warmup N] [--json FILE] [--no-torch] [--intra-op-threads N]
 *       [--graph-threads N]}</li>
 *   <li>{@code import-references --data DIR [--split S] [--limit N]}, or {@code import-references --default} (the
 *       library shipped with the application)</li>
 *   <li>{@code load --url URL [--clients N] [--n N] [--warmup N] [--images DIR] [--token T]} ({@link LoadCommand})</li>
 *   <li>{@code heatmap-check --data DIR [--split S] [--limit N] [--out FILE.json] [--examples DIR]}</li>
 *   <li>{@code triage-check --data DIR [--split S] [--limit N] [--top 0.1] [--out FILE.json]} ({@link TriageCheck})</li>
 *   <li>{@code similarity-index [--cases N] [--queries Q] [--dims D] [--json FILE]} ({@link SimilarityIndexCommand})</li>
 * </ul>
 * Every command takes {@code --models DIR} (default: {@code chestlens.models-dir}, i.e. {@code models}).
 */
public final class Commands {

    private static final List<String> NAMES = List.of("evaluate", "benchmark", "import-references", "load",
            "heatmap-check", "triage-check", "similarity-index");

    private Commands() {
    }

    /** Whether the first program argument names a command (otherwise the web application starts). */
    public static boolean handles(String[] args) {
        return args.length > 0 && NAMES.contains(args[0]);
    }

    /** Runs the command; returns the process exit code. */
    public static int run(String[] args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            return 2;
        }
        if (arguments.command().equals("similarity-index")) {
            try {
                return SimilarityIndexCommand.run(arguments); // synthetic embeddings: no models, no database
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
        if (arguments.command().equals("load")) {
            try {
                return LoadCommand.run(arguments); // an HTTP client of a running server: no beans, no database
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.org.chestlens", "INFO");
        properties.put("spring.jpa.open-in-view", "false");
        // The web application's readiness group names its models health indicator, which a command does not have.
        properties.put("management.endpoint.health.validate-group-membership", "false");
        arguments.value("models").ifPresent(dir -> properties.put("chestlens.models-dir", dir));
        // Thread settings to compare (README, "Threads"): ONNX Runtime threads per run, graphs side by side.
        arguments.value("intra-op-threads").ifPresent(n -> properties.put("chestlens.inference.intra-op-threads", n));
        arguments.value("graph-threads").ifPresent(n -> properties.put("chestlens.inference.graph-threads", n));
        if (!arguments.command().equals("import-references")) {
            // evaluate stores nothing and benchmark only throw-away analyses: a throw-away database (when the
            // embedded default is in use) leaves the real one alone, even while the web application holds it.
            properties.put("chestlens.embedded-db.ephemeral", "true");
        }
        SpringApplicationBuilder builder = new SpringApplicationBuilder(CommandContext.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false);
        // As command-line properties: they win over application.properties.
        String[] springArgs = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = builder.run(springArgs)) {
            return switch (arguments.command()) {
                // Built on demand, not beans: the web application has no use for them.
                case "evaluate" -> context.getAutowireCapableBeanFactory().createBean(Evaluation.class).run(arguments);
                case "benchmark" -> context.getAutowireCapableBeanFactory().createBean(Benchmark.class).run(arguments);
                case "heatmap-check" -> context.getAutowireCapableBeanFactory().createBean(HeatmapCheck.class).run(arguments);
                case "triage-check" -> context.getAutowireCapableBeanFactory().createBean(TriageCheck.class).run(arguments);
                default -> importReferences(context, arguments);
            };
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.err.println(arguments.command() + " failed: " + e.getMessage()
                    + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : ""));
            return 1;
        }
    }

    private static int importReferences(ConfigurableApplicationContext context, Arguments arguments) {
        ReferenceLibrary library = context.getBean(ReferenceLibrary.class);
        boolean defaultLibrary = arguments.flag("default");
        String what = defaultLibrary ? "the default library" : arguments.required("data");
        ReferenceLibrary.ImportReport report = defaultLibrary ? library.importDefault()
                : library.importFolder(Path.of(what), arguments.value("split"), arguments.intValue("limit", 0));
        System.out.printf("Imported %d reference cases from %s (%d skipped) in %.1f s; the library now holds %d.%n",
                report.imported(), what, report.skipped(), report.millis() / 1000.0, library.size());
        return 0;
    }

    static String usage() {
        return """
                Usage: java -jar chestlens.jar COMMAND [options]   (run from the folder that holds models/)
                  evaluate --data DIR [--split val] [--limit N] [--out report.json] [--predictions predictions.csv]
                  benchmark [--images DIR] [--n 200] [--warmup 30] [--json benchmark.json] [--no-torch]
                            [--intra-op-threads 1] [--graph-threads 0]
                  import-references --data DIR [--split train] [--limit N]
                  import-references --default            (the reference library shipped with ChestLens)
                  load --url http://127.0.0.1:8080 [--clients 8] [--n 200] [--warmup 16] [--images DIR] [--token T]
                  heatmap-check --data DIR [--split val] [--limit N] [--out heatmap-check.json] [--examples DIR]
                  triage-check --data DIR [--split val] [--limit N] [--top 0.1] [--out triage-check.json]
                  similarity-index [--cases 100000] [--queries 50] [--dims 512] [--json FILE]   (run with -Xmx1g)
                Common: --models DIR (default: models)""";
    }

    /** {@code COMMAND --key value --flag ...} */
    record Arguments(String command, Map<String, String> options) {

        static Arguments parse(String[] args) {
            Map<String, String> options = new LinkedHashMap<>();
            List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
            for (int i = 0; i < rest.size(); i++) {
                String a = rest.get(i);
                if (!a.startsWith("--") || a.length() < 3) {
                    throw new IllegalArgumentException("Unexpected argument: " + a);
                }
                String key = a.substring(2);
                int eq = key.indexOf('=');
                if (eq > 0) {
                    options.put(key.substring(0, eq), key.substring(eq + 1));
                } else if (i + 1 < rest.size() && !rest.get(i + 1).startsWith("--")) {
                    options.put(key, rest.get(++i));
                } else {
                    options.put(key, "true");
                }
            }
            return new Arguments(args[0], options);
        }

        Optional<String> value(String key) {
            return Optional.ofNullable(options.get(key));
        }

        String required(String key) {
            return value(key).orElseThrow(() -> new IllegalArgumentException("--" + key + " is required\n" + usage()));
        }

        int intValue(String key, int fallback) {
            try {
                return value(key).map(Integer::parseInt).orElse(fallback);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " needs a whole number");
            }
        }

        boolean flag(String key) {
            return value(key).map(v -> !v.equals("false")).orElse(false);
        }
    }

    /**
     * The beans of the pipeline without the web application: imaging, inference, analysis, the reference library,
     * the database. Picked one by one rather than scanned whole, so views, security and other features' beans stay
     * out. Not a {@code @Configuration}, so the web application's component scan never picks it up.
     */
    @EnableAutoConfiguration(excludeName = {
            "com.vaadin.flow.spring.SpringBootAutoConfiguration",
            "com.vaadin.flow.spring.SpringSecurityAutoConfiguration",
            "com.vaadin.flow.spring.VaadinScopesConfig",
            "org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
            "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
            // A command runs no jobs: the web application's nodes do.
            "com.github.kagkarlsson.scheduler.boot.autoconfigure.DbSchedulerAutoConfiguration"})
    @Import({ImageDecoder.class, InferenceEngine.class})
    @ComponentScan(basePackages = {"org.chestlens.config", "org.chestlens.analysis", "org.chestlens.references"},
            useDefaultFilters = false, includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = {
                    "org\\.chestlens\\.config\\.(EmbeddedDatabase|ClockConfig)",
                    "org\\.chestlens\\.analysis\\.(AnalysisService|AnalysisWriter|Renderer|MemoryBudget)",
                    "org\\.chestlens\\.references\\.(SimilarCases|ReferenceLibrary)"}))
    // Entities and repositories of these features (auto-configuration would otherwise look in this package only).
    @AutoConfigurationPackage(basePackages = {"org.chestlens.analysis", "org.chestlens.references"})
    static class CommandContext {
    }
}
