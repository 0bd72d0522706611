package io.lwm2m.provisioning.bootstrap.enrollment;

import io.lwm2m.provisioning.bootstrap.sessions.DeviceAdmission;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record of what each first contact a group covered came to ({@code enrollment_admissions}):
 * one row per admitted device; one row per device and refusal rule, counting its attempts.
 */
@Component
class AdmissionRecords {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;

    AdmissionRecords(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void admitted(Attested device, DeviceAdmission.Channel channel, AllocationDecision allocation, long deviceId, String peer,
            Instant now) {
        jdbc.update("""
                INSERT INTO enrollment_admissions (group_id, endpoint, channel, outcome, attestation, allocation, device_id, peer,
                  created_at, last_at)
                VALUES (?, ?, ?, 'ADMITTED', ?::jsonb, ?::jsonb, ?, ?, ?, ?)""", device.groupId(), bounded(device.endpoint(), 255),
                channel.name(), JSON.writeValueAsString(device.facts()), JSON.writeValueAsString(allocation.facts()), deviceId,
                bounded(peer, 64), Timestamp.from(now), Timestamp.from(now));
    }

    /** A refusal: a new row, or one more attempt on the row of the same device and rule. */
    void refused(Attested device, DeviceAdmission.Channel channel, Refusal refusal, String reason, AllocationDecision allocation,
            String peer, Instant now) {
        jdbc.update("""
                INSERT INTO enrollment_admissions (group_id, endpoint, channel, outcome, refusal, reason, attestation, allocation,
                  peer, created_at, last_at)
                VALUES (?, ?, ?, 'REFUSED', ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)
                ON CONFLICT (group_id, endpoint, refusal) WHERE outcome = 'REFUSED' DO UPDATE
                SET attempts = enrollment_admissions.attempts + 1, last_at = EXCLUDED.last_at, reason = EXCLUDED.reason,
                  channel = EXCLUDED.channel, attestation = EXCLUDED.attestation, allocation = EXCLUDED.allocation,
                  peer = EXCLUDED.peer""", device.groupId(), bounded(device.endpoint(), 255), channel.name(), refusal.name(),
                bounded(reason, 1000), JSON.writeValueAsString(device.facts()),
                allocation == null ? null : JSON.writeValueAsString(allocation.facts()), bounded(peer, 64), Timestamp.from(now),
                Timestamp.from(now));
    }

    /** A group's records in {@code outcome} (null: both), newest first, with ids below {@code beforeId}. */
    List<AdmissionView> page(long groupId, String outcome, long beforeId, int limit) {
        return jdbc.query("""
                SELECT id, endpoint, channel, outcome, refusal, reason, attestation::text, allocation::text, peer, attempts,
                  created_at, last_at
                FROM enrollment_admissions
                WHERE group_id = ? AND (?::text IS NULL OR outcome = ?) AND id < ?
                ORDER BY id DESC LIMIT ?""", AdmissionRecords::view, groupId, outcome, outcome, beforeId, limit);
    }

    private static AdmissionView view(ResultSet row, int n) throws SQLException {
        String allocation = row.getString(8);
        return new AdmissionView(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                row.getString(5).isEmpty() ? null : row.getString(5), row.getString(6), JSON.readTree(row.getString(7)),
                allocation == null ? null : JSON.readTree(allocation), row.getString(9), row.getInt(10),
                row.getTimestamp(11).toInstant(), row.getTimestamp(12).toInstant());
    }

    /** Counts of a group's records by outcome. */
    Map<String, Long> counts(long groupId) {
        Map<String, Long> counts = new java.util.TreeMap<>(Map.of("ADMITTED", 0L, "REFUSED", 0L));
        jdbc.query("SELECT outcome, count(*) FROM enrollment_admissions WHERE group_id = ? GROUP BY outcome",
                (ResultSet row) -> {
                    counts.put(row.getString(1), row.getLong(2));
                }, groupId);
        return counts;
    }

    /** What the peer chose, printable and within its column. */
    static String bounded(String text, int max) {
        if (text == null) {
            return null;
        }
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > max ? printable.substring(0, max) : printable;
    }
}
