package dev.kiln.http;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kiln.platform.PageRequest;
import dev.kiln.platform.dashboard.Dashboard;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Optional;

/**
 * An uncached dashboard page in process, for BENCHMARKS.md ("Read path", "Fifth pass"): 1,500 pages of warm-up, then
 * 2,000 pages of {@code Dashboard.page} (SQL and row mapping) and {@code DashboardHandler.bytes} with the cache envelope
 * ({@code CachedJson.of}, {@code encode}, {@code decode}), on one pooled connection; prints this thread's CPU time per
 * phase (p50), the wall time per page (p50) and the bytes allocated per page. In package dev.kiln.http for the
 * package-private writer. Usage: {@code java -cp <classes>:<kiln-http jar>:<kiln-platform jar>:kiln-app/target/lib/*
 * dev.kiln.http.DashboardPageHarness <database> <label>} (the bench user is user 1 of kiln_bench_read).
 */
public class DashboardPageHarness {
    public static void main(String[] a) throws Exception {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/" + a[0]);
        h.setUsername("postgres");
        h.setMaximumPoolSize(1);
        h.setReadOnly(true);
        try (HikariDataSource ds = new HikariDataSource(h)) {
            Dashboard d = new Dashboard(ds);
            PageRequest page = new PageRequest(30, Optional.empty());
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            int warm = 1500, n = 2000;
            long[] sqlCpu = new long[n], jsonCpu = new long[n], wall = new long[n];
            long allocBefore = 0;
            com.sun.management.ThreadMXBean smx = (com.sun.management.ThreadMXBean) mx;
            for (int i = -warm; i < n; i++) {
                if (i == 0) allocBefore = smx.getCurrentThreadAllocatedBytes();
                long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
                Dashboard.View v = d.page(1, page);
                long c1 = mx.getCurrentThreadCpuTime();
                byte[] body = DashboardHandler.bytes(v);
                CachedJson cj = CachedJson.decode(CachedJson.of(1, body).encode());
                if (cj.json().length < 100_000) throw new IllegalStateException("short page " + cj.json().length);
                long c2 = mx.getCurrentThreadCpuTime(), w1 = System.nanoTime();
                if (i >= 0) { sqlCpu[i] = c1 - c0; jsonCpu[i] = c2 - c1; wall[i] = w1 - w0; }
            }
            long alloc = smx.getCurrentThreadAllocatedBytes() - allocBefore;
            System.out.printf("%s: JVM CPU per page: SQL+mapping p50 %.3f ms, JSON+envelope p50 %.3f ms; wall p50 %.2f ms; allocated %.0f KB/page%n",
                    a[1], p50(sqlCpu), p50(jsonCpu), p50(wall), alloc / 1024.0 / n);
        }
    }

    static double p50(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
