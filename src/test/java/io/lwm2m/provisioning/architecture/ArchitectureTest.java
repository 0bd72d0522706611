package io.lwm2m.provisioning.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture the README's Layout describes, checked on every build (issue 18): modules depend
 * one way (src → admin-api → bootstrap-server → est-ca), no package cycles anywhere, no module's SQL
 * names another module's tables, and the size limits of STYLE.md (classes up to 400 lines, methods up
 * to 60, constructors up to 10 parameters).
 */
class ArchitectureTest {

    private static final String ROOT = "io.lwm2m.provisioning";
    private static final String[] EST_CA = {ROOT + ".ca..", ROOT + ".certificates..", ROOT + ".crypto..", ROOT + ".errors..",
            ROOT + ".est..", ROOT + ".persistence..", ROOT + ".audit..", ROOT + ".events..", ROOT + ".logging..", ROOT + ".threads.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
        assertThat(classes).as("the main classes of every module").hasSizeGreaterThan(300);
    }

    @Test
    void modulesDependOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("app").definedBy(ROOT + ".app..", ROOT)
                .layer("admin-api").definedBy(ROOT + ".api..", ROOT + ".console..")
                .layer("bootstrap-server").definedBy(ROOT + ".bootstrap..")
                .layer("est-ca").definedBy(EST_CA)
                .whereLayer("app").mayNotBeAccessedByAnyLayer()
                .whereLayer("admin-api").mayOnlyBeAccessedByLayers("app")
                .whereLayer("bootstrap-server").mayOnlyBeAccessedByLayers("app", "admin-api")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void constructorsTakeAtMostTenParameters() {
        codeUnits().that().areDeclaredInClassesThat().resideInAPackage(ROOT + "..")
                .and().areDeclaredInClassesThat().areNotRecords()
                .should(new ArchCondition<JavaCodeUnit>("take at most 10 parameters") {
                    @Override
                    public void check(JavaCodeUnit unit, ConditionEvents events) {
                        if (unit.isConstructor() && unit.getRawParameterTypes().size() > 10) {
                            events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " takes "
                                    + unit.getRawParameterTypes().size() + " parameters"));
                        }
                    }
                }).check(classes);
    }

    @Test
    void mainClassesHaveAtMost400LinesAndMethodsAtMost60() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path source : mainSources()) {
            List<String> lines = Files.readAllLines(source);
            if (lines.size() > 400) {
                violations.add(source + ": " + lines.size() + " lines");
            }
            violations.addAll(longMethods(source, lines));
        }
        assertThat(violations).as("classes over 400 lines and methods over 60 (STYLE.md)").isEmpty();
    }

    /** A method or constructor: a member line at one indent ending in '{', up to the '}' at the same indent. */
    private static final Pattern MEMBER = Pattern.compile("^( {4}|\\t)(?!\\s)(?:[\\w<>\\[\\],.?@ ]+\\s)?\\w+\\s*\\([^;]*$");

    private static List<String> longMethods(Path source, List<String> lines) {
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher member = MEMBER.matcher(lines.get(i));
            if (!member.find() || lines.get(i).contains(" class ") || lines.get(i).contains(" record ")) {
                continue;
            }
            String indent = member.group(1);
            int open = i;
            while (open < lines.size() && !lines.get(open).stripTrailing().endsWith("{")) {
                if (lines.get(open).stripTrailing().endsWith(";")) {
                    open = -1; // an abstract or interface method: no body
                    break;
                }
                open++;
            }
            if (open < 0 || open >= lines.size()) {
                continue;
            }
            int close = open + 1;
            while (close < lines.size() && !lines.get(close).equals(indent + "}")) {
                close++;
            }
            if (close - i + 1 > 60) {
                violations.add(source.getFileName() + ":" + (i + 1) + " " + lines.get(i).trim() + " (" + (close - i + 1) + " lines)");
            }
            i = close;
        }
        return violations;
    }

    @Test
    void sqlNamesOnlyTheModulesOwnTables() throws IOException {
        Map<String, String> owners = tableOwners();
        assertThat(owners).as("tables the migrations create, each under a '-- module:' header").hasSizeGreaterThan(15);
        Pattern tableUse = Pattern.compile("(?i)(?:\\bfrom|\\bjoin|\\binto|\\bupdate|@Table\\(name\\s*=)\\s+\"?(" + String.join("|", owners.keySet()) + ")\\b");
        List<String> violations = new ArrayList<>();
        for (String module : MODULES) {
            for (Path source : javaFiles(repository().resolve(module).resolve("src/main/java"))) {
                Matcher use = tableUse.matcher(Files.readString(source));
                while (use.find()) {
                    String owner = owners.get(use.group(1).toLowerCase());
                    if (!owner.equals(module)) {
                        violations.add(source.getFileName() + " (" + module + ") names " + use.group(1) + ", owned by " + owner);
                    }
                }
            }
        }
        assertThat(violations).as("SQL naming another module's table: call that module's service instead").isEmpty();
    }

    private static final List<String> MODULES = List.of("est-ca", "bootstrap-server", "admin-api", "src");
    private static final Pattern OWNER_HEADER = Pattern.compile("^-- (est-ca|bootstrap-server|admin-api|app):");
    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)^CREATE TABLE (?:IF NOT EXISTS )?(\\w+)");

    /** Each table with the module whose migration section creates it (the "-- module:" header above it). */
    private static Map<String, String> tableOwners() throws IOException {
        Map<String, String> owners = new java.util.TreeMap<>();
        Path migrations = repository().resolve("db-migrations/src/main/resources/db/migration");
        try (Stream<Path> files = Files.list(migrations)) {
            for (Path migration : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                String owner = null;
                for (String line : Files.readAllLines(migration)) {
                    Matcher header = OWNER_HEADER.matcher(line);
                    if (header.find()) {
                        owner = header.group(1).equals("app") ? "src" : header.group(1);
                    }
                    Matcher create = CREATE_TABLE.matcher(line);
                    if (create.find()) {
                        assertThat(owner).as(migration.getFileName() + " creates " + create.group(1) + " under no '-- module:' header").isNotNull();
                        owners.put(create.group(1).toLowerCase(), owner);
                    }
                }
            }
        }
        return owners;
    }

    private static Path repository() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String module : MODULES) {
            sources.addAll(javaFiles(repository().resolve(module).resolve("src/main/java")));
        }
        assertThat(sources).as("main sources under " + repository()).hasSizeGreaterThan(200);
        return sources;
    }

    private static List<Path> javaFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
