package dev.turnpike.l7;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.util.MultiValueMap;

/**
 * The headers a proxied request (or its response) leaves with, as the headers filters build them: one
 * writable copy that every filter changes in place.
 *
 * <p>Spring's {@link HttpHeaders#forEach} and {@link HttpHeaders#headerNames} first collect the names into a
 * new case-insensitive set, in case the map holds one name in two spellings; these headers are kept in a
 * case-insensitive map, whose names are unique already, so they are walked as they are. Spring Cloud
 * Gateway walks the outgoing headers that way on every request and response.
 */
public final class OutgoingHeaders extends HttpHeaders {

    private final MultiValueMap<String, String> map;

    private OutgoingHeaders(MultiValueMap<String, String> map) {
        super(map);
        this.map = map;
    }

    /** {@code headers} themselves when they are outgoing headers already, otherwise a copy of them to change. */
    public static OutgoingHeaders of(HttpHeaders headers) {
        if (headers instanceof OutgoingHeaders outgoing) {
            return outgoing;
        }
        OutgoingHeaders copy = new OutgoingHeaders(
                CollectionUtils.toMultiValueMap(new LinkedCaseInsensitiveMap<>(16, Locale.ROOT)));
        headers.forEach(copy.map::addAll);
        return copy;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super List<String>> action) {
        map.forEach(action);
    }

    /** Removes every header whose name matches. */
    public void removeNames(Predicate<String> name) {
        map.keySet().removeIf(name);
    }
}
