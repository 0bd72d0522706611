package io.lwm2m.provisioning.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test class or method needs a tool from outside the JVM. When the tool is missing the test is
 * skipped visibly (surefire counts it, and the build's last lines say how many tests were skipped for
 * which tool), or, with {@code PROVISIONING_TESTS_REQUIRE_ALL=1} in the environment (as {@code .ci/run}
 * sets it), fails with a message naming what to install.
 *
 * <pre>{@code
 * @RequiresTool(value = {"softhsm2-util", "/usr/lib/softhsm/libsofthsm2.so"}, debianPackage = "softhsm2")
 * @RequiresTool(value = "/work/shared/interop/wakaama/lwm2mclient", hint = "build it with /work/shared/interop/build.sh")
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(RequiresTools.class)
@ExtendWith(ToolCheck.class)
public @interface RequiresTool {

    /** Commands looked up on the PATH, or absolute paths of files (a library, a build) that must exist; all of them. */
    String[] value();

    /** The Debian package that provides them, if any. */
    String debianPackage() default "";

    /** How to get them when no Debian package does (a build script, a download). */
    String hint() default "";
}
