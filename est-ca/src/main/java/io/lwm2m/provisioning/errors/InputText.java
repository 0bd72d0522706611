package io.lwm2m.provisioning.errors;

/**
 * Rules every piece of text from outside must pass where it enters (JSON, CSV, NDJSON, path,
 * query string), so that bad bytes are refused with the field's name instead of failing deep
 * inside: PostgreSQL cannot store NUL in text at all, control characters hide in logs and CSV
 * files, bidirectional controls make one name look like another, and an unpaired surrogate
 * silently becomes '?' on its way to the database.
 */
public final class InputText {

    public static final String CONTROL = "must not contain NUL or other control characters";
    public static final String LINE_BREAK = "must be one line: no tabs, line breaks or other control characters";
    public static final String BIDI = "must not contain bidirectional formatting characters (U+061C, U+200E, U+200F, "
            + "U+202A-U+202E, U+2066-U+2069)";
    public static final String SURROGATE = "must be valid Unicode (an unpaired surrogate was sent)";

    private InputText() {
    }

    /**
     * Null if {@code text} is fit to store as multi-line text (PEM, say: tab, CR and LF allowed),
     * else the rule it breaks.
     */
    public static String problem(String text) {
        return problem(text, true);
    }

    /** Null if {@code text} is fit to store as one line of text (names, descriptions, reasons, filters), else the rule it breaks. */
    public static String lineProblem(String text) {
        return problem(text, false);
    }

    /** As {@link #lineProblem(String)}, and at most {@code maxLength} characters. */
    public static String lineProblem(String text, int maxLength) {
        String problem = problem(text, false);
        if (problem == null && text != null && text.length() > maxLength) {
            return "must be at most " + maxLength + " characters";
        }
        return problem;
    }

    /** Adds the rule {@code text} breaks as one line of at most {@code maxLength} characters, if any; true if it is fine. */
    public static boolean checkLine(FieldProblems problems, String field, String text, int maxLength) {
        String problem = lineProblem(text, maxLength);
        if (problem != null) {
            problems.add(field, problem);
        }
        return problem == null;
    }

    private static String problem(String text, boolean multiline) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                boolean whitespace = c == '\t' || c == '\n' || c == '\r';
                if (!whitespace) {
                    return CONTROL;
                }
                if (!multiline) {
                    return LINE_BREAK;
                }
            } else if (isBidiControl(c)) {
                return BIDI;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return SURROGATE;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return SURROGATE;
            }
        }
        return null;
    }

    /** C0 controls, DEL and the C1 controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** The characters Unicode's bidirectional algorithm treats as explicit formatting (UAX #9), which can reorder what a reader sees. */
    public static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
