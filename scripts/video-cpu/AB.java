import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;
import java.util.function.IntToDoubleFunction;

/** Two builds in one JVM, each in its own class loader, their card frames drawn in alternating rounds. */
public class AB {
    public static void main(String[] a) throws Exception {
        String[] libs = a[0].split(",");
        int rounds = Integer.parseInt(a[1]);
        int[] widths = Arrays.stream(a[2].split(",")).mapToInt(Integer::parseInt).toArray();
        IntToDoubleFunction[] f = new IntToDoubleFunction[libs.length];
        for (int i = 0; i < libs.length; i++) {
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(System.getProperty("cardClasses", "/tmp/video-cpu-classes/")).toUri().toURL());
            try (var ds = Files.newDirectoryStream(Path.of(libs[i]), "*.jar")) { for (Path p : ds) urls.add(p.toUri().toURL()); }
            ClassLoader cl = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            f[i] = (IntToDoubleFunction) cl.loadClass("Card").getDeclaredConstructor().newInstance();
        }
        for (int w : widths) {
            List<List<Double>> res = new ArrayList<>();
            for (int i = 0; i < libs.length; i++) res.add(new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < libs.length; i++) {
                    int j = (r % 2 == 0) ? i : libs.length - 1 - i; // alternate who goes first
                    double ms = f[j].applyAsDouble(w);
                    if (r >= 3) res.get(j).add(ms);
                }
            }
            for (int i = 0; i < libs.length; i++) {
                List<Double> s = new ArrayList<>(res.get(i));
                Collections.sort(s);
                System.out.printf(Locale.ROOT, "%d wide, %s: median %.2f ms CPU/frame (min %.2f, max %.2f, %d rounds after 3 warm-up)%n",
                        w, Path.of(libs[i]).getFileName(), s.get(s.size() / 2), s.get(0), s.get(s.size() - 1), s.size());
            }
        }
    }
}
