package io.relaycheck.bench;

import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/** {@code --name value} and {@code --flag} arguments; repeated names keep every value. */
final class Args {

    private final Map<String, List<String>> values = new HashMap<>();

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return a;
    }

    String string(String name, String def) {
        List<String> v = values.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    int integer(String name, int def) {
        return Integer.parseInt(string(name, String.valueOf(def)));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(string(name, "false"));
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }
}
