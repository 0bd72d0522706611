package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.errors.InputText;
import org.springframework.stereotype.Component;

/**
 * Text from outside (an endpoint a device sent, a rejected row, an audit target) as the console shows
 * it: the template escapes markup; this makes control and bidirectional formatting characters, which
 * the API refuses but a refused request's record keeps, visible as {@code [U+202E]} instead of letting
 * them reorder or hide what a person reads. In templates: {@code th:text="${@inert.text(value)}"}.
 */
@Component("inert")
public class Inert {

    /**
     * A block of lines (a pretty-printed document in a {@code <pre>}): each line as {@link #text}, the
     * line breaks kept, so that its layout survives and nothing else hidden does.
     */
    public String lines(Object value) {
        if (value == null) {
            return "";
        }
        return String.join("\n", java.util.Arrays.stream(value.toString().split("\n", -1)).map(this::text).toList());
    }

    public String text(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        StringBuilder shown = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hidden = InputText.isControl(c) || InputText.isBidiControl(c) || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
            if (hidden && shown == null) {
                shown = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (hidden) {
                shown.append(String.format("[U+%04X]", (int) c));
            } else if (shown != null) {
                shown.append(c);
            }
        }
        return shown == null ? text : shown.toString();
    }
}
