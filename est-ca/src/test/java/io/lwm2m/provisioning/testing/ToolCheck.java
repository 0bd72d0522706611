package io.lwm2m.provisioning.testing;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link RequiresTool}: skips (and records) a test whose tool is missing, or fails
 * it when every tool is required ({@value #REQUIRE_ALL_ENV}=1 in the environment, or the configuration
 * parameter {@value #REQUIRE_ALL_PARAMETER}=true). {@link #require} does the same from inside a test or
 * a helper that runs a tool, for uses an annotation cannot name.
 */
public final class ToolCheck implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {

    public static final String REQUIRE_ALL_ENV = "PROVISIONING_TESTS_REQUIRE_ALL";
    public static final String REQUIRE_ALL_PARAMETER = "provisioning.tests.require-all";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AnnotatedElement> element = context.getElement();
        Optional<Tool> missing = element.flatMap(ToolCheck::firstMissing);
        if (missing.isEmpty() || requireAll(context)) {
            return ConditionEvaluationResult.enabled("the tools it needs are installed, or required");
        }
        Tool tool = missing.get();
        SkipRecords.write(tool, context.getUniqueId(), testsIn(element.get()));
        return ConditionEvaluationResult.disabled(tool.message());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failIfRequiredAndMissing(context, context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failIfRequiredAndMissing(context, context.getRequiredTestMethod());
    }

    /**
     * For a test or helper about to run {@code command}: returns when it is on the PATH; else aborts the
     * running test as skipped (recorded like an annotation's skip), or fails it when every tool is required.
     */
    public static void require(String command, String debianPackage) {
        require(new Tool(List.of(command), debianPackage, ""));
    }

    /** As {@link #require(String, String)}, for a tool of several parts or files (a part with '/' is a file). */
    public static void require(Tool tool) {
        if (tool.missing().isEmpty()) {
            return;
        }
        if (requireAllFromEnvironment()) {
            throw new AssertionError(requiredMessage(tool));
        }
        SkipRecords.write(tool, currentTest(), 1);
        throw new TestAbortedException(tool.message());
    }

    private static void failIfRequiredAndMissing(ExtensionContext context, AnnotatedElement element) {
        Optional<Tool> missing = firstMissing(element);
        if (missing.isPresent() && requireAll(context)) {
            throw new AssertionError(requiredMessage(missing.get()));
        }
    }

    private static String requiredMessage(Tool tool) {
        return tool.message() + ", and " + REQUIRE_ALL_ENV + " makes a missing tool a failure instead of a skip";
    }

    private static Optional<Tool> firstMissing(AnnotatedElement element) {
        return AnnotationSupport.findRepeatableAnnotations(element, RequiresTool.class).stream()
                .map(Tool::of).filter(tool -> !tool.missing().isEmpty()).findFirst();
    }

    private static boolean requireAll(ExtensionContext context) {
        return context.getConfigurationParameter(REQUIRE_ALL_PARAMETER).map(Boolean::parseBoolean)
                .orElseGet(ToolCheck::requireAllFromEnvironment);
    }

    /** The system property, when set, decides over the environment (so ToolCheckTest can check both paths under .ci/run). */
    private static boolean requireAllFromEnvironment() {
        String property = System.getProperty(REQUIRE_ALL_PARAMETER);
        if (property != null) {
            return Boolean.parseBoolean(property);
        }
        String value = System.getenv(REQUIRE_ALL_ENV);
        return "1".equals(value) || "true".equalsIgnoreCase(value);
    }

    /** How many tests a skip of this element skips: one method, or every test method of a class. */
    private static int testsIn(AnnotatedElement element) {
        if (!(element instanceof Class<?> type)) {
            return 1;
        }
        int tests = 0;
        for (Method method : type.getDeclaredMethods()) {
            if (AnnotationSupport.isAnnotated(method, Testable.class)) {
                tests++;
            }
        }
        return Math.max(tests, 1);
    }

    /** The test (or test setup) method calling, from the stack: what a skip from inside a helper belongs to. */
    private static String currentTest() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(ToolCheck::isTestOrSetup)
                .map(f -> f.getClassName() + "#" + f.getMethodName()).findFirst().orElse("(unknown test)"));
    }

    private static boolean isTestOrSetup(StackWalker.StackFrame frame) {
        for (Method method : frame.getDeclaringClass().getDeclaredMethods()) {
            if (method.getName().equals(frame.getMethodName()) && (AnnotationSupport.isAnnotated(method, Testable.class)
                    || AnnotationSupport.isAnnotated(method, BeforeAll.class)
                    || AnnotationSupport.isAnnotated(method, BeforeEach.class))) {
                return true;
            }
        }
        return false;
    }
}
