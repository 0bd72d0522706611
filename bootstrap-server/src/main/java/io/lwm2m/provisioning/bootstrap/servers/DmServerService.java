package io.lwm2m.provisioning.bootstrap.servers;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.events.EventSubscriptions;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.NotFoundException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Defines the DM servers that devices are bootstrapped to. */
@Service
public class DmServerService {

    private final DmServerRepository servers;
    private final EventSubscriptions subscriptions;
    private final AuditSink audit;
    private final Clock clock;

    DmServerService(DmServerRepository servers, EventSubscriptions subscriptions, AuditSink audit, Clock clock) {
        this.servers = servers;
        this.subscriptions = subscriptions;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * A DM server just defined, and, when it has a rotation webhook, the secret that webhook's
     * requests are signed with: shown this once (the webhook is the event subscription
     * {@code dm-server:<name>}, whose secret can be rotated like any subscription's).
     */
    public record Created(DmServer server, String rotationWebhookSecret) {
    }

    @Transactional
    public Created create(NewDmServer spec, Actor actor) {
        if (servers.existsByName(spec.name())) {
            throw new ConflictException("name", "a DM server named '" + spec.name() + "' already exists");
        }
        DmServer server;
        try {
            server = servers.saveAndFlush(new DmServer(spec, clock.instant()));
        } catch (DataIntegrityViolationException e) {
            throw new ConflictException("name", "a DM server named '" + spec.name() + "' already exists");
        }
        audit.record(actor.event("server.create", "server:" + spec.name(), AuditEvent.Outcome.SUCCESS, Map.of("uri", spec.uri(), "shortServerId", Integer.toString(spec.shortServerId()),
                        "securityMode", spec.securityMode().name())));
        String secret = spec.rotationWebhookUrl() == null ? null
                : subscriptions.createForDmServer(spec.name(), spec.rotationWebhookUrl(), actor).secret();
        return new Created(server, secret);
    }

    @Transactional(readOnly = true)
    public DmServer get(String name) {
        return servers.findByName(name).orElseThrow(() -> new NotFoundException("no DM server named '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public List<DmServer> list() {
        return servers.findAllByOrderByNameAsc();
    }

    /** The servers with these names; names that do not exist are simply absent from the result. */
    @Transactional(readOnly = true)
    public List<DmServer> findByNames(Collection<String> names) {
        return servers.findByNameIn(names);
    }
}
