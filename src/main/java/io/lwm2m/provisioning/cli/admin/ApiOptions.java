package io.lwm2m.provisioning.cli.admin;

import io.lwm2m.provisioning.cli.terminal.CliContext;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the admin API is and the key to call it with. The key comes from {@code PROVISIONING_API_KEY}
 * or a file, never from the command line, where it would stay in the shell's history and show in
 * the process list.
 */
public final class ApiOptions {

    static final String URL_ENV = "PROVISIONING_API_URL";
    static final String KEY_ENV = "PROVISIONING_API_KEY";

    private final CliContext context;

    @Option(names = "--api", paramLabel = "URL", description = "The admin API (default: $" + URL_ENV + ", else http://localhost:8080).")
    private String api;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "A file holding the API key (default: the key in $"
            + KEY_ENV + ").")
    private Path keyFile;

    @Option(names = "--api-key", hidden = true, paramLabel = "KEY")
    private String keyOnCommandLine;

    public ApiOptions(CliContext context) {
        this.context = context;
    }

    /** The API with the caller's key. */
    AdminApi api() throws IOException {
        if (keyOnCommandLine != null) {
            throw new IllegalArgumentException("the API key is not taken from the command line (it would stay in the shell history): "
                    + "export " + KEY_ENV + " or give --api-key-file");
        }
        String key;
        if (keyFile != null) {
            key = Files.readString(keyFile).trim();
        } else {
            key = context.env(KEY_ENV);
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("no API key: export " + KEY_ENV + " (e.g. from <data-dir>/initial-admin-key) or give "
                    + "--api-key-file");
        }
        return new AdminApi(baseUrl(), key);
    }

    /** The API without a key, for its public resources (the CRL). */
    AdminApi anonymous() {
        return new AdminApi(baseUrl(), null);
    }

    private URI baseUrl() {
        String url = api != null ? api : context.env(URL_ENV) != null ? context.env(URL_ENV) : "http://localhost:8080";
        try {
            URI uri = new URI(url.endsWith("/") ? url : url + "/");
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("the API URL must be http(s)://host[:port], not " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the API URL " + url + " is no URI");
        }
    }
}
