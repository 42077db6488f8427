package io.fanout.definition;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** "Did you mean" for misspelt keys and names. */
public final class Suggestions {

    private Suggestions() {}

    /** The closest candidate within a few edits, or null when none is close enough to be a likely typo. */
    public static @Nullable String closest(String word, Collection<String> candidates) {
        String w = normalise(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = normalise(candidate);
            // camelCase or snake_case spellings of a kebab-case key are the same key
            int d = c.equals(w) ? 0 : distance(word.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            int length = Math.max(word.length(), candidate.length());
            int allowed = length <= 3 ? 1 : length <= 6 ? 2 : 3;
            if (d <= allowed && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** A hint that suggests the closest candidate and lists all of them. */
    public static String hint(String word, Collection<String> candidates, String listName) {
        String closest = closest(word, candidates);
        String list = candidates.isEmpty() ? listName + ": none" : listName + ": " + String.join(", ", candidates);
        return closest == null ? list : "did you mean '" + closest + "'? " + list;
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: Levenshtein plus transposition of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
