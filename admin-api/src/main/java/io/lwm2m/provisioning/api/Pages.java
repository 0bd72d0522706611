package io.lwm2m.provisioning.api;

import io.lwm2m.provisioning.errors.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Cursor pagination, the same on every list: {@code ?limit=&cursor=}; the body is the page (a JSON
 * array, as before pagination), and when more items follow, a {@code Link: <…&cursor=…>; rel="next"}
 * header (RFC 8288) carries the URL of the next page. A cursor is the opaque, URL-safe encoding
 * of the last item's sort key: pages stay stable while items are added.
 */
public final class Pages {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private Pages() {
    }

    /** {@code limit} checked against 1..{@link #MAX_LIMIT}; null: {@code defaultLimit}. */
    public static int limit(Integer limit, int defaultLimit) {
        if (limit == null) {
            return defaultLimit;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    /** The sort key a cursor stands for; null for no cursor (the first page). */
    public static String key(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    /** The numeric sort key a cursor stands for, or {@code first} for no cursor. */
    public static long longKey(String cursor, long first) {
        String key = key(cursor);
        if (key == null) {
            return first;
        }
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            throw badCursor();
        }
    }

    public static InvalidInputException badCursor() {
        return new InvalidInputException("cursor", "is not a cursor this list returned; start again without it");
    }

    public static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The page answer for {@code fetched}, which holds up to {@code limit + 1} items in list order:
     * the first {@code limit}, and a next link when there was one more.
     */
    public static <T> ResponseEntity<List<T>> of(List<T> fetched, int limit, Function<T, String> sortKey) {
        return of(fetched, limit, sortKey, Function.identity());
    }

    /** As {@link #of(List, int, Function)}, each item shown as {@code view} maps it. */
    public static <T, R> ResponseEntity<List<R>> of(List<T> fetched, int limit, Function<T, String> sortKey,
            Function<T, R> view) {
        if (fetched.size() <= limit) {
            return ResponseEntity.ok(fetched.stream().map(view).toList());
        }
        List<T> page = fetched.subList(0, limit);
        String next = ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam("limit", limit)
                .replaceQueryParam("cursor", cursor(sortKey.apply(page.get(limit - 1))))
                .build().toUriString();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"")
                .body(page.stream().map(view).toList());
    }

    /**
     * A page of a small collection read whole (DM servers, profiles, manufacturer CAs: configuration,
     * tens of items), ordered by {@code sortKey}, after the cursor's key.
     */
    public static <T> ResponseEntity<List<T>> ofAll(List<T> all, Integer limit, String cursor, Function<T, String> sortKey) {
        int size = limit(limit, DEFAULT_LIMIT);
        String after = key(cursor);
        List<T> fetched = all.stream()
                .filter(item -> after == null || sortKey.apply(item).compareTo(after) > 0)
                .sorted(Comparator.comparing(sortKey))
                .limit(size + 1L)
                .toList();
        return of(fetched, size, sortKey);
    }
}
