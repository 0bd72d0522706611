package io.lwm2m.provisioning.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link RequiresTool} and {@link ToolCheck#require}, run through the JUnit engine itself. */
class ToolCheckTest {

    private static final String MISSING = "no-such-tool-7f3a";

    @TempDir
    Path records;
    private String previousDirectory;

    @BeforeEach
    void recordInto() {
        previousDirectory = System.setProperty(SkipRecords.DIRECTORY_PROPERTY, records.toString());
    }

    @AfterEach
    void restore() {
        if (previousDirectory == null) {
            System.clearProperty(SkipRecords.DIRECTORY_PROPERTY);
        } else {
            System.setProperty(SkipRecords.DIRECTORY_PROPERTY, previousDirectory);
        }
    }

    @Test
    void aClassWhoseToolIsMissingIsSkippedNamingThePackageAndEachOfItsTestsIsRecorded() throws Exception {
        Events events = run(NeedsAMissingTool.class, false).containerEvents();

        assertThat(events.skipped().count()).isEqualTo(1);
        assertThat(events.skipped().list().get(0).getPayload(String.class))
                .contains(MISSING + " is not installed (Debian package no-such-package)");
        List<SkipRecords.Skip> skips = SkipRecords.read(records);
        assertThat(skips).hasSize(2).allSatisfy(skip -> assertThat(skip.summaryName()).isEqualTo("no-such-package"));
        assertThat(ToolSkipsReport.summary(skips)).contains("skipped: 2, because " + MISSING + " is not installed");
    }

    @Test
    void onlyTheAnnotatedMethodIsSkippedWhenTheAnnotationIsOnAMethod() throws Exception {
        Events tests = run(OneTestNeedsAMissingTool.class, false).testEvents();

        assertThat(tests.succeeded().count()).isEqualTo(1);
        assertThat(tests.skipped().count()).isEqualTo(1);
        assertThat(SkipRecords.read(records)).hasSize(1);
    }

    @Test
    void whenEveryToolIsRequiredAMissingOneFailsTheTestsInsteadAndNothingIsRecorded() throws Exception {
        Events tests = run(NeedsAMissingTool.class, true).testEvents();

        assertThat(tests.skipped().count()).isZero();
        assertThat(run(NeedsAMissingTool.class, true).containerEvents().failed().list())
                .singleElement().satisfies(event -> assertThat(event.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .orElseThrow().getThrowable().orElseThrow())
                        .hasMessageContaining(MISSING + " is not installed (Debian package no-such-package)")
                        .hasMessageContaining(ToolCheck.REQUIRE_ALL_ENV));
        assertThat(SkipRecords.read(records)).isEmpty();
    }

    @Test
    void aToolThatIsThereLetsTheTestsRun() {
        Events tests = run(NeedsThePresentShell.class, true).testEvents();

        assertThat(tests.succeeded().count()).isEqualTo(1);
    }

    @Test
    void aHelperRequiringAMissingCommandAbortsItsTestAsSkippedAndRecordsIt() throws Exception {
        Events tests = run(CallsAHelperWithAMissingCommand.class, false).testEvents();

        assertThat(tests.aborted().count()).isEqualTo(1);
        assertThat(SkipRecords.read(records)).singleElement()
                .satisfies(skip -> assertThat(skip.test()).endsWith("CallsAHelperWithAMissingCommand#helperRuns"));
        assertThat(ToolSkipsReport.summary(List.of())).isEqualTo("Tests skipped because a tool is missing: none");
        assertThat(Files.exists(records)).isTrue();
    }

    /** Runs with every tool required or not, whatever PROVISIONING_TESTS_REQUIRE_ALL says (.ci/run sets it). */
    private static org.junit.platform.testkit.engine.EngineExecutionResults run(Class<?> testClass, boolean requireAll) {
        String before = System.getProperty(ToolCheck.REQUIRE_ALL_PARAMETER);
        System.setProperty(ToolCheck.REQUIRE_ALL_PARAMETER, Boolean.toString(requireAll));
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
                    .configurationParameter(ToolCheck.REQUIRE_ALL_PARAMETER, Boolean.toString(requireAll)).execute();
        } finally {
            if (before == null) {
                System.clearProperty(ToolCheck.REQUIRE_ALL_PARAMETER);
            } else {
                System.setProperty(ToolCheck.REQUIRE_ALL_PARAMETER, before);
            }
        }
    }

    @RequiresTool(value = MISSING, debianPackage = "no-such-package")
    static class NeedsAMissingTool {

        @Test
        void first() {
        }

        @Test
        void second() {
        }
    }

    static class OneTestNeedsAMissingTool {

        @Test
        @RequiresTool(value = MISSING, debianPackage = "no-such-package")
        void needsIt() {
        }

        @Test
        void doesNot() {
        }
    }

    @RequiresTool(value = "/bin/sh", debianPackage = "dash")
    static class NeedsThePresentShell {

        @Test
        void runs() {
        }
    }

    static class CallsAHelperWithAMissingCommand {

        @Test
        void helperRuns() {
            ToolCheck.require(MISSING, "no-such-package");
        }
    }
}
