package io.pipewright.app.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A scrape of {@code /actuator/prometheus} in Prometheus' text format (0.0.4), read into its samples: name, labels,
 * value. Comments (HELP, TYPE) are skipped; label values are unescaped as the format escapes them.
 */
final class Exposition {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private Exposition(List<Sample> samples) {
        this.samples = samples;
    }

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new Exposition(samples);
    }

    Set<String> names() {
        return samples.stream().map(Sample::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The samples of this name whose labels include {@code labels}. */
    List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> sample.name().equals(name)
                        && sample.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The value of the one sample of this name whose labels include {@code labels}. */
    double value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + labels + ", found " + found);
        }
        return found.get(0).value();
    }

    private static Sample sample(String line) {
        int position = 0;
        while (position < line.length() && line.charAt(position) != '{' && line.charAt(position) != ' ') {
            position++;
        }
        String name = line.substring(0, position);
        Map<String, String> labels = new LinkedHashMap<>();
        if (line.charAt(position) == '{') {
            position++;
            while (line.charAt(position) != '}') {
                int equals = line.indexOf("=\"", position);
                String label = line.substring(position, equals);
                StringBuilder value = new StringBuilder();
                position = equals + 2;
                while (line.charAt(position) != '"') {
                    char next = line.charAt(position);
                    if (next == '\\') {
                        char escaped = line.charAt(++position);
                        value.append(escaped == 'n' ? '\n' : escaped);
                    } else {
                        value.append(next);
                    }
                    position++;
                }
                labels.put(label, value.toString());
                position++;
                if (line.charAt(position) == ',') {
                    position++;
                }
            }
            position++;
        }
        String[] valueAndTimestamp = line.substring(position).trim().split(" ");
        return new Sample(name, labels, number(valueAndTimestamp[0]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
