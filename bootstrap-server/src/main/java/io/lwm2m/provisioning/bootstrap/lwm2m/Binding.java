package io.lwm2m.provisioning.bootstrap.lwm2m;

import java.util.regex.Pattern;

/** The Server object's Binding (/1/x/7): LwM2M 1.0 and 1.1 letters, each at most once, queue mode 'Q' not first. */
public final class Binding {

    private static final Pattern VALID = Pattern.compile("(?!.*(.).*\\1)[UTSN][UTSNQ]{0,4}");

    private Binding() {
    }

    public static boolean isValid(String binding) {
        return binding != null && VALID.matcher(binding).matches();
    }
}
