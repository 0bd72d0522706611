package io.lwm2m.provisioning.api.jobs;

import io.lwm2m.provisioning.threads.WorkerPools;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The background job queues of this replica (imports, fleet actions): creates them, resumes their
 * jobs once the application is up (jobs left RUNNING by a stopped or crashed server), and polls
 * them for queued jobs and jobs whose replica's lease ran out. Their threads come from
 * {@link WorkerPools}, which stops them with the application.
 */
@Component
@EnableConfigurationProperties(JobSettings.class)
public class JobQueues implements SchedulingConfigurer {

    private final JdbcTemplate jdbc;
    private final WorkerPools pools;
    private final Duration lease;
    private final Duration pollInterval;
    /** This replica, as {@code lease_owner} names it. */
    private final String owner = UUID.randomUUID().toString();
    private final List<JobQueue<?>> queues = new CopyOnWriteArrayList<>();

    JobQueues(JdbcTemplate jdbc, WorkerPools pools, JobSettings settings) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.lease = settings.lease();
        this.pollInterval = settings.pollInterval();
    }

    /**
     * A queue for one kind of job.
     *
     * @param load reads a claimed job
     * @param run  runs it; it should return soon after {@link JobQueue#stopping()} turns true
     */
    public <T> JobQueue<T> create(JobQueue.JobKind kind, Function<UUID, T> load, Consumer<T> run) {
        JobQueue<T> queue = new JobQueue<>(kind, jdbc, owner, lease, pools.workers(kind.name(), kind.threads()), load, run);
        queues.add(queue);
        return queue;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeAfterStart() {
        queues.forEach(JobQueue::wake);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(() -> queues.forEach(JobQueue::wake), pollInterval);
    }
}
