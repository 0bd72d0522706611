package io.lwm2m.provisioning.bootstrap.devices;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The device search's SQL: one statement holding only the conditions asked for, so that PostgreSQL
 * plans each shape with the index that serves it (decision 073): the endpoint index (C collation) for
 * a prefix, read as a range, and for the order of every page; profile and endpoint; inactive states
 * and endpoint; the labelled devices' GIN index. States are written as constants (they are an enum)
 * so that a partial index's condition can be proven; every value from the caller is a parameter.
 */
@Component
class DeviceSearches {

    private final JdbcTemplate jdbc;

    DeviceSearches(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<DeviceSummary> search(DeviceSearch search, String afterEndpoint, int limit) {
        StringBuilder sql = new StringBuilder("""
                SELECT d.id, d.endpoint, d.state, p.name, d.created_at, d.updated_at, d.labels
                FROM devices d LEFT JOIN profiles p ON p.id = d.profile_id
                WHERE d.state IN (""");
        sql.append(search.states().stream().map(s -> "'" + s.name() + "'").sorted().collect(Collectors.joining(", "))).append(')');
        List<Object> args = new ArrayList<>();
        if (search.endpointPrefix() != null) {
            // A prefix as a range: endpoints are ASCII, compared byte by byte (C collation).
            sql.append(" AND d.endpoint >= ? AND d.endpoint < ?");
            args.add(search.endpointPrefix());
            args.add(upperBound(search.endpointPrefix()));
        }
        if (search.profile() != null) {
            sql.append(" AND d.profile_id = (SELECT id FROM profiles WHERE name = ?)");
            args.add(search.profile());
        }
        if (search.label() != null) {
            sql.append(" AND d.labels @> ARRAY[?]::text[] AND d.labels <> '{}'");
            args.add(search.label());
        }
        if (afterEndpoint != null) {
            sql.append(" AND d.endpoint > ?");
            args.add(afterEndpoint);
        }
        sql.append(" ORDER BY d.endpoint LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), DeviceSearches::summary, args.toArray());
    }

    /** The first string after every string starting with {@code prefix}: its last character plus one. */
    static String upperBound(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static DeviceSummary summary(ResultSet rs, int row) throws SQLException {
        return new DeviceSummary(rs.getLong(1), rs.getString(2), DeviceState.valueOf(rs.getString(3)), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), List.of((String[]) rs.getArray(7).getArray()));
    }
}
