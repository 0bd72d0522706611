package io.lwm2m.provisioning.bootstrap.sessions;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Timer threads for per-request timeouts and session deadlines. */
public final class Timers {

    private Timers() {
    }

    /**
     * One daemon thread whose cancelled tasks leave its queue at once. Almost every timeout is
     * cancelled because the answer came first; kept until they would have fired (30 s, 120 s), a
     * thousand sessions a second would hold a few hundred thousand dead tasks, each holding its
     * session and so its configuration, secrets included.
     */
    public static ScheduledExecutorService single(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
