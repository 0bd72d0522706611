package io.lwm2m.provisioning.bootstrap.profiles;

import io.lwm2m.provisioning.audit.Actor;
import io.lwm2m.provisioning.audit.AuditEvent;
import io.lwm2m.provisioning.audit.AuditSink;
import io.lwm2m.provisioning.bootstrap.lwm2m.Binding;
import io.lwm2m.provisioning.bootstrap.lwm2m.SecurityMode;
import io.lwm2m.provisioning.bootstrap.servers.DmServer;
import io.lwm2m.provisioning.bootstrap.servers.DmServerService;
import io.lwm2m.provisioning.errors.ConflictException;
import io.lwm2m.provisioning.errors.FieldProblems;
import io.lwm2m.provisioning.errors.InputText;
import io.lwm2m.provisioning.errors.NotFoundException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import io.lwm2m.provisioning.errors.InvalidInputException;
import io.lwm2m.provisioning.est.EstPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Bootstrap profiles: named templates of DM servers, Server settings, ACLs, delete paths, NoSec and EST policy. */
@Service
public class ProfileService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    public static final String NAME_RULE = "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private static final Pattern PATH = Pattern.compile("/|/\\d{1,5}(/\\d{1,5})?");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The size of profiles.description (V3). */
    static final int MAX_DESCRIPTION = 255;

    @PersistenceContext
    private EntityManager em;

    private final ProfileRepository profiles;
    private final DmServerService servers;
    private final AuditSink audit;
    private final Clock clock;

    ProfileService(ProfileRepository profiles, DmServerService servers, AuditSink audit, Clock clock) {
        this.profiles = profiles;
        this.servers = servers;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Profile create(String name, String description, ProfileDefinition definition, Actor actor) {
        FieldProblems problems = new FieldProblems();
        check(name, description, definition, known(definition), problems);
        problems.throwIfAny();
        if (profiles.existsByName(name)) {
            throw new ConflictException("name", "a profile named '" + name + "' already exists");
        }
        Profile profile = profiles.saveAndFlush(new Profile(name, description, JSON.writeValueAsString(definition), clock.instant()));
        audit.record(actor.event("profile.create", "profile:" + name, AuditEvent.Outcome.SUCCESS, Map.of()));
        return profile;
    }

    /** Replaces a profile's definition; {@code expectedVersion} (from If-Match) guards against lost updates. */
    @Transactional
    public Profile update(String name, Long expectedVersion, String description, ProfileDefinition definition, Actor actor) {
        Profile profile = get(name);
        if (expectedVersion != null && expectedVersion != profile.version()) {
            throw new PreconditionFailedException("profile '" + name + "' changed since version " + expectedVersion
                    + " (now " + profile.version() + "); read it again");
        }
        FieldProblems problems = new FieldProblems();
        InputText.checkLine(problems, "description", description, MAX_DESCRIPTION);
        validate(definition, "definition", true, problems);
        problems.throwIfAny();
        profile.update(description, JSON.writeValueAsString(definition), clock.instant());
        profiles.flush();
        audit.record(actor.event("profile.update", "profile:" + name, AuditEvent.Outcome.SUCCESS, Map.of()));
        return profile;
    }

    @Transactional
    public void delete(String name, Actor actor) {
        Profile profile = get(name);
        Number users = (Number) em.createNativeQuery("SELECT count(*) FROM devices WHERE profile_id = ?1")
                .setParameter(1, profile.id()).getSingleResult();
        if (users.longValue() > 0) {
            throw new ConflictException("name", "profile '" + name + "' is used by " + users + " device(s)");
        }
        try {
            profiles.delete(profile);
            profiles.flush();
        } catch (DataIntegrityViolationException e) {
            // A device naming it was created since the count (V13's check refuses the delete).
            throw new ConflictException("name", "profile '" + name + "' is used by a device created meanwhile");
        }
        audit.record(actor.event("profile.delete", "profile:" + name, AuditEvent.Outcome.SUCCESS, Map.of()));
    }

    /** Whether {@code name} could name a profile at all (the rule {@link #create} applies). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether a profile of this name exists. */
    @Transactional(readOnly = true)
    public boolean exists(String name) {
        return profiles.existsByName(name);
    }

    @Transactional(readOnly = true)
    public Profile get(String name) {
        return profiles.findByName(name).orElseThrow(() -> new NotFoundException("no profile named '" + name + "'"));
    }

    @Transactional(readOnly = true)
    public List<Profile> list() {
        return profiles.findAllByOrderByNameAsc();
    }

    public static ProfileDefinition definition(Profile profile) {
        return parse(profile.definitionJson());
    }

    public static ProfileDefinition parse(String json) {
        return json == null ? null : JSON.readValue(json, ProfileDefinition.class);
    }

    public static String json(ProfileDefinition definition) {
        return definition == null ? null : JSON.writeValueAsString(definition);
    }

    /** Checks overrides a device brings along: only servers of its profile, valid values. */
    public void validateOverrides(ProfileDefinition base, ProfileDefinition overrides, FieldProblems problems) {
        validate(overrides, "overrides", false, problems);
        Set<String> known = base.serverList().stream().map(ProfileDefinition.ServerSettings::server).collect(Collectors.toSet());
        for (int i = 0; i < overrides.serverList().size(); i++) {
            if (overrides.serverList().get(i) != null && !known.contains(overrides.serverList().get(i).server())) {
                problems.add("overrides.servers[" + i + "].server", "is not a server of the device's profile");
            }
        }
    }

    /** The effective configuration of a device following {@code profile} (null: its implicit one) with {@code overridesJson}. */
    public EffectiveProfile effectiveFor(Profile profile, String overridesJson, List<DmServer> deviceServers) {
        return profile == null ? effective((String) null, null, deviceServers)
                : effective(profile.name(), definition(profile).overriddenBy(parse(overridesJson)), deviceServers);
    }

    /**
     * The device's effective configuration: {@code definition} (a profile with overrides applied) or,
     * when null, the implicit profile of {@code deviceServers}, completed from the server definitions.
     */
    public EffectiveProfile effective(String profileName, ProfileDefinition definition, List<DmServer> deviceServers) {
        if (definition == null) {
            return new EffectiveProfile(null, deviceServers.stream().map(s -> new EffectiveProfile.EffectiveServer(s,
                    s.securityMode(), s.lifetime(), null, null, s.notificationStoring(), s.binding(), null, null)).toList(),
                    List.of(), EffectiveProfile.DEFAULT_DELETE_PATHS, false, Map.of(), Compatibility.DEFAULT);
        }
        Map<String, DmServer> byName = deviceServers.stream().collect(Collectors.toMap(DmServer::name, Function.identity()));
        List<EffectiveProfile.EffectiveServer> effective = new ArrayList<>();
        for (ProfileDefinition.ServerSettings settings : definition.serverList()) {
            DmServer s = byName.get(settings.server());
            if (s == null) {
                continue; // added to the profile after the device was registered: it holds no credential for it
            }
            effective.add(new EffectiveProfile.EffectiveServer(s,
                    settings.securityMode() != null ? settings.securityMode() : s.securityMode(),
                    settings.lifetime() != null ? settings.lifetime() : s.lifetime(),
                    settings.defaultMinPeriod(), settings.defaultMaxPeriod(),
                    settings.notificationStoring() != null ? settings.notificationStoring() : s.notificationStoring(),
                    settings.binding() != null ? settings.binding() : s.binding(),
                    settings.disableTimeout(), settings.certificateUsage()));
        }
        return new EffectiveProfile(profileName, effective, definition.accessControlList(),
                definition.deletePaths() != null ? definition.deletePaths() : EffectiveProfile.DEFAULT_DELETE_PATHS,
                Boolean.TRUE.equals(definition.allowNoSec()), definition.est() == null ? Map.of() : definition.est(),
                definition.compatibilitySettings());
    }

    private void validate(ProfileDefinition definition, String field, boolean serversRequired, FieldProblems problems) {
        check(definition, field, serversRequired, known(definition), problems);
    }

    /** The DM servers {@code definition} names that exist, by name. */
    private Map<String, DmServer> known(ProfileDefinition definition) {
        return definition == null ? Map.of()
                : servers.findByNames(definition.serverList().stream().filter(Objects::nonNull)
                        .map(ProfileDefinition.ServerSettings::server).filter(Objects::nonNull).toList())
                .stream().collect(Collectors.toMap(DmServer::name, Function.identity()));
    }

    /**
     * The rules of a new profile given the DM servers its definition names ({@code known}, by
     * name): what {@link #create} checks, without the lookup.
     */
    public static void check(String name, String description, ProfileDefinition definition, Map<String, DmServer> known,
            FieldProblems problems) {
        if (!isValidName(name)) {
            problems.add("name", NAME_RULE);
        }
        InputText.checkLine(problems, "description", description, MAX_DESCRIPTION);
        check(definition, "definition", true, known, problems);
    }

    /**
     * The rules of a definition given the DM servers it names ({@code known}, by name): all of its
     * validation but the lookup, so that it can also be exercised without a database (the fuzz tests).
     */
    public static void check(ProfileDefinition definition, String field, boolean serversRequired, Map<String, DmServer> known,
            FieldProblems problems) {
        if (definition == null) {
            problems.add(field, "is required");
            return;
        }
        List<ProfileDefinition.ServerSettings> list = definition.serverList();
        if (serversRequired && list.isEmpty()) {
            problems.add(field + ".servers", "must name at least one DM server");
        }
        checkServers(list, field, serversRequired, known, problems);
        checkAccessControl(definition, field, problems);
        if (definition.est() != null) {
            try {
                EstPolicy.parse(definition.est());
            } catch (InvalidInputException e) {
                e.problems().forEach(p -> problems.add(field + "." + p.field(), p.message()));
            }
        }
        if (definition.deletePaths() != null) {
            for (int i = 0; i < definition.deletePaths().size(); i++) {
                String path = definition.deletePaths().get(i);
                if (path == null || !PATH.matcher(path).matches()) {
                    problems.add(field + ".deletePaths[" + i + "]", "must be '/', '/<object>' or '/<object>/<instance>'");
                }
            }
        }
        Integer accountInstance = definition.compatibilitySettings().bootstrapAccountInstance();
        if (accountInstance != null && (accountInstance < 0 || accountInstance > 65534)) {
            problems.add(field + ".compatibility.bootstrapAccountInstance", "must be a Security instance id 0..65534");
        }
    }

    private static void checkServers(List<ProfileDefinition.ServerSettings> list, String field, boolean serversRequired,
            Map<String, DmServer> known, FieldProblems problems) {
        Set<String> seen = new HashSet<>();
        Map<Integer, String> ssids = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = field + ".servers[" + i + "]";
            ProfileDefinition.ServerSettings s = list.get(i);
            if (s == null) {
                problems.add(at, NOT_NULL);
                continue;
            }
            DmServer server = s.server() == null ? null : known.get(s.server());
            if (server == null) {
                problems.add(at + ".server", "no DM server named '" + s.server() + "'");
                continue;
            }
            if (!seen.add(server.name())) {
                problems.add(at + ".server", "DM server '" + server.name() + "' is listed twice");
            }
            String clash = ssids.putIfAbsent(server.shortServerId(), server.name());
            if (clash != null && serversRequired) {
                problems.add(at + ".server", "shares short server id " + server.shortServerId() + " with '" + clash + "'");
            }
            SecurityMode mode = s.securityMode() != null ? s.securityMode() : server.securityMode();
            if (mode == SecurityMode.RPK && server.serverPublicKey() == null) {
                problems.add(at + ".securityMode", "RPK needs the DM server's public key, which '" + server.name() + "' lacks");
            }
            if ((mode == SecurityMode.X509 || mode == SecurityMode.EST) && server.serverCertificate() == null) {
                problems.add(at + ".securityMode", mode + " needs the DM server's certificate, which '" + server.name() + "' lacks");
            }
            if (mode == SecurityMode.NOSEC != server.uri().startsWith("coap://")) {
                problems.add(at + ".securityMode", mode + " does not fit the server's URI " + server.uri());
            }
            if (s.lifetime() != null && s.lifetime() < 1) {
                problems.add(at + ".lifetime", "must be a positive number of seconds");
            }
            if (s.defaultMinPeriod() != null && s.defaultMinPeriod() < 0) {
                problems.add(at + ".defaultMinPeriod", "must not be negative");
            }
            if (s.defaultMaxPeriod() != null && (s.defaultMaxPeriod() < 1
                    || (s.defaultMinPeriod() != null && s.defaultMaxPeriod() < s.defaultMinPeriod()))) {
                problems.add(at + ".defaultMaxPeriod", "must be positive and not below defaultMinPeriod");
            }
            if (s.binding() != null && !Binding.isValid(s.binding())) {
                problems.add(at + ".binding", "must be an LwM2M binding such as U, UQ, T, S, N or US");
            }
            if (s.disableTimeout() != null && s.disableTimeout() < 0) {
                problems.add(at + ".disableTimeout", "must not be negative");
            }
            if (s.certificateUsage() != null && (s.certificateUsage() < 0 || s.certificateUsage() > 3)) {
                problems.add(at + ".certificateUsage", "must be 0 (CA constraint) to 3 (domain-issued certificate)");
            }
        }
    }

    private static void checkAccessControl(ProfileDefinition definition, String field, FieldProblems problems) {
        List<ProfileDefinition.AccessControl> acls = definition.accessControlList();
        for (int i = 0; i < acls.size(); i++) {
            String at = field + ".accessControl[" + i + "]";
            ProfileDefinition.AccessControl acl = acls.get(i);
            if (acl == null) {
                problems.add(at, NOT_NULL);
                continue;
            }
            if (acl.objectId() == null || acl.objectId() < 1 || acl.objectId() > 65534) {
                problems.add(at + ".objectId", "must be an object id 1..65534 (the Security object has no ACL)");
            }
            if (acl.instanceId() == null || acl.instanceId() < 0 || acl.instanceId() > 65535) {
                problems.add(at + ".instanceId", "must be 0..65535 (65535: create rights on the object)");
            }
            if (acl.owner() == null || acl.owner() < 1 || acl.owner() > 65535) {
                problems.add(at + ".owner", "must be a short server id 1..65534, or 65535 for the bootstrap server");
            }
            if (acl.acl() != null) {
                acl.acl().forEach((ssid, bits) -> {
                    if (ssid == null || ssid < 0 || ssid > 65534) {
                        problems.add(at + ".acl", "keys are short server ids 0..65534 (0: default for all)");
                    }
                    if (bits == null || bits < 0 || bits > 31) {
                        problems.add(at + ".acl", "values are bit masks 0..31 (1 read, 2 write, 4 execute, 8 delete, 16 create)");
                    }
                });
            }
        }
    }

    private static final String NOT_NULL = "must be an object, not null";

    /** An update based on a stale version (If-Match did not match). */
    public static class PreconditionFailedException extends RuntimeException {
        public PreconditionFailedException(String message) {
            super(message);
        }
    }
}
