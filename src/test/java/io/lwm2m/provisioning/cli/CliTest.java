package io.lwm2m.provisioning.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the jar does with its arguments, before any command runs. */
class CliTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new CliContext(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader("")), Map.of(), false), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void noArgumentsOrOnlyOptionsStartTheServerAsBefore() {
        assertThat(Cli.startsServerDirectly(new String[0])).isTrue();
        assertThat(Cli.startsServerDirectly(new String[] {"--server.port=0", "--provisioning.data-dir=/srv"})).isTrue();
        assertThat(Cli.startsServerDirectly(new String[] {"--help"})).isFalse();
        assertThat(Cli.startsServerDirectly(new String[] {"device", "bootstrap"})).isFalse();
    }

    @Test
    void helpListsEveryCommand() {
        Run help = run("--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("serve", "device", "import", "sessions", "rotate", "revoke", "disable", "enable", "crl");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("the API key from PROVISIONING_API_KEY or --api-key-file, never from "
                + "the command line");
        assertThat(run("device", "--help").out()).contains("bootstrap", "smoke-test", "load");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        Run unknown = run("bootstrp");
        Run badOption = run("device", "bootstrap", "--no-such-option");
        Run badDuration = run("device", "bootstrap", "--timeout", "soon");

        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 0: 'bootstrp'");
        assertThat(badOption.code()).isEqualTo(2);
        assertThat(badOption.err()).contains("Unknown option: '--no-such-option'");
        assertThat(badDuration.code()).isEqualTo(2);
        assertThat(badDuration.err()).contains("'soon' is no duration (e.g. 500ms, 30s, 5m, 1h)");
    }
}
