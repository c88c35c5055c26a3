package dev.turnpike.upstream;

import java.util.BitSet;
import java.util.List;

/** A set of HTTP statuses written as codes and ranges: {@code [200-399, 404]}. */
public final class StatusRanges {

    private final BitSet statuses = new BitSet(600);

    public StatusRanges(List<String> ranges) {
        for (String range : ranges) {
            String[] bounds = range.trim().split("-");
            int from = Integer.parseInt(bounds[0]);
            int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
            if (from > to) {
                throw new IllegalArgumentException("status range " + range + " is reversed");
            }
            statuses.set(from, to + 1);
        }
    }

    public boolean contains(int status) {
        return status >= 0 && statuses.get(status);
    }
}
