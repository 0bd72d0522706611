package io.lwm2m.provisioning.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A tool some tests need: the commands or files it consists of, and how to get it. */
public record Tool(List<String> parts, String debianPackage, String hint) {

    public Tool {
        parts = List.copyOf(parts);
        debianPackage = debianPackage == null ? "" : debianPackage;
        hint = hint == null ? "" : hint;
    }

    static Tool of(RequiresTool annotation) {
        return new Tool(List.of(annotation.value()), annotation.debianPackage(), annotation.hint());
    }

    /** The commands and files of this tool that are not there. */
    public List<String> missing() {
        return parts.stream().filter(part -> !present(part)).toList();
    }

    /** What is missing and how to get it: "softhsm2-util is not installed (Debian package softhsm2)". */
    public String message() {
        String what = String.join(", ", missing());
        String how = !debianPackage.isEmpty() ? "Debian package " + debianPackage + (hint.isEmpty() ? "" : "; " + hint) : hint;
        return what + (missing().size() > 1 ? " are" : " is") + " not installed" + (how.isEmpty() ? "" : " (" + how + ")");
    }

    /** The name the build's summary groups skips by: the package, else the tool. */
    public String summaryName() {
        return !debianPackage.isEmpty() ? debianPackage : String.join(", ", parts);
    }

    private static boolean present(String part) {
        if (part.contains("/")) {
            return Files.exists(Path.of(part));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, part);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }
}
