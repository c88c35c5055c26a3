package dev.turnpike.tls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Looks up a value by TLS server name: an exact name first, then the longest matching leading
 * wildcard ({@code *.example.com} matches names at any depth below example.com, as nginx's server
 * names do). Names compare case-insensitively. Immutable once built.
 */
public final class ServerNameTable<T> {

    private final Map<String, T> exact = new HashMap<>();
    private final List<Map.Entry<String, T>> wildcards = new ArrayList<>();

    private ServerNameTable() {
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** @return the value for the name, or null when none matches or the name is null */
    public T find(String serverName) {
        if (serverName == null) {
            return null;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        T value = exact.get(name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, T> wildcard : wildcards) {
            if (name.endsWith(wildcard.getKey()) && name.length() > wildcard.getKey().length()) {
                return wildcard.getValue();
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && wildcards.isEmpty();
    }

    public static final class Builder<T> {

        private final ServerNameTable<T> table = new ServerNameTable<>();

        /** The first value given for a name wins. */
        public Builder<T> add(String serverName, T value) {
            String name = serverName.toLowerCase(Locale.ROOT);
            if (name.startsWith("*.")) {
                String suffix = name.substring(1);
                if (table.wildcards.stream().noneMatch(e -> e.getKey().equals(suffix))) {
                    table.wildcards.add(Map.entry(suffix, value));
                }
            } else {
                table.exact.putIfAbsent(name, value);
            }
            return this;
        }

        public ServerNameTable<T> build() {
            table.wildcards.sort(Comparator.comparingInt((Map.Entry<String, T> e) -> e.getKey().length()).reversed());
            return table;
        }
    }
}
