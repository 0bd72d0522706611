package io.lwm2m.provisioning.errors;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem with an input before failing, so the caller can fix them all at once. */
public final class FieldProblems {

    private final List<FieldProblem> problems = new ArrayList<>();

    public FieldProblems add(String field, String message) {
        problems.add(new FieldProblem(field, message));
        return this;
    }

    public boolean has(String field) {
        return problems.stream().anyMatch(p -> p.field().equals(field));
    }

    /** The problems in the order they were found. */
    public List<FieldProblem> list() {
        return List.copyOf(problems);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Throws {@link InvalidInputException} if any problem was added. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
    }
}
