package io.lwm2m.provisioning.console;

import io.lwm2m.provisioning.api.auth.Roles;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.security.access.expression.SecurityExpressionRoot;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * What the signed-in person may press, decided by the very expressions the API's {@code @PreAuthorize}
 * rules use ({@link Roles}), so a page never offers what the server would refuse. The server still
 * checks every action (the console's controllers carry the same rules).
 *
 * @param register operator and admin: import devices
 * @param security security officer and admin: rotate, revoke, disable, profiles, servers, CAs
 * @param audit    auditor, security officer and admin: the audit log
 * @param admin    admin: API keys
 */
public record Permissions(boolean register, boolean security, boolean audit, boolean admin) {

    private static final ExpressionParser PARSER = new SpelExpressionParser();

    /** What the person of the current request may press. */
    public static Permissions current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    static Permissions of(Authentication authentication) {
        if (authentication == null) {
            return new Permissions(false, false, false, false);
        }
        StandardEvaluationContext context = new StandardEvaluationContext(new SecurityExpressionRoot<Object>(authentication) {
        });
        return new Permissions(allows(Roles.REGISTER, context), allows(Roles.SECURITY, context), allows(Roles.AUDIT, context),
                allows(Roles.ADMIN, context));
    }

    private static boolean allows(String rule, StandardEvaluationContext context) {
        return Boolean.TRUE.equals(PARSER.parseExpression(rule).getValue(context, Boolean.class));
    }
}
