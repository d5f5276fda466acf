package org.cardcase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.Map;

/**
 * CPU seconds a process tree has used, by component, read from /proc. A rate depends on the
 * machine and on its neighbours; the CPU a case costs does much less, so benchmarks report both.
 * Each process counts its own time and that of its children that have ended (PostgreSQL's
 * backends), so the difference of two samples is the work done between them.
 */
final class ProcessCpu {

  /** Linux's USER_HZ: /proc counts in ticks of 1/100 s on every architecture we run on. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {
  }

  /** CPU seconds of a running system: the application, its descendants and its PostgreSQL. */
  static Map<String, Double> sample(RunningSystem sys) {
    return sample(sys.pid(), sys.dataDir.toString());
  }

  /**
   * CPU seconds (user + system) of the process and every descendant, and of every process started
   * with {@code dataDir} on its command line and its descendants (pg_ctl leaves PostgreSQL's
   * postmaster to init, so it is not the application's descendant), summed per component.
   */
  static Map<String, Double> sample(long rootPid, String dataDir) {
    Map<String, Double> byComponent = new LinkedHashMap<>();
    byComponent.put("application", 0.0);
    byComponent.put("postgresql", 0.0);
    byComponent.put("elasticsearch", 0.0);
    byComponent.put("other", 0.0);
    Set<Long> tree = new LinkedHashSet<>();
    tree.add(rootPid);
    ProcessHandle.of(rootPid).ifPresent(p -> p.descendants().forEach(d -> tree.add(d.pid())));
    ProcessHandle.allProcesses()
        .filter(p -> !tree.contains(p.pid()) && read("/proc/" + p.pid() + "/cmdline").contains(dataDir))
        .toList()
        .forEach(p -> {
          tree.add(p.pid());
          p.descendants().forEach(d -> tree.add(d.pid()));
        });
    for (long pid : tree) {
      double seconds = seconds(pid);
      byComponent.merge(component(pid, rootPid), seconds, Double::sum);
    }
    return byComponent;
  }

  /** The difference of two samples, with a "total" entry. */
  static Map<String, Double> used(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> used = new LinkedHashMap<>();
    double total = 0;
    for (var e : after.entrySet()) {
      double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
      used.put(e.getKey(), d);
      total += d;
    }
    used.put("total", total);
    return used;
  }

  /** This JVM's own CPU seconds, as the component "engine" (the bare engine runs in it). */
  static Map<String, Double> sampleSelf() {
    return Map.of("engine", seconds(ProcessHandle.current().pid()));
  }

  /** "total 0.123 (application 0.080, postgresql 0.020, …)" per case. */
  static String perCase(Map<String, Double> used, int cases) {
    StringBuilder parts = new StringBuilder();
    for (var e : used.entrySet()) {
      if (!e.getKey().equals("total") && e.getValue() > 0.0005 * cases) {
        parts.append(parts.isEmpty() ? "" : ", ").append(String.format("%s %.3f", e.getKey(), e.getValue() / cases));
      }
    }
    return String.format("%.3f CPU-s a case (%s)", used.get("total") / cases, parts);
  }

  private static String component(long pid, long rootPid) {
    if (pid == rootPid) {
      return "application";
    }
    String cmd = read("/proc/" + pid + "/cmdline").replace('\0', ' ');
    if (cmd.startsWith("postgres") || cmd.contains("/bin/postgres ")) {
      return "postgresql";
    }
    if (cmd.contains("elasticsearch")) {
      return "elasticsearch";
    }
    return "other";
  }

  private static double seconds(long pid) {
    String stat = read("/proc/" + pid + "/stat");
    if (stat.isEmpty()) {
      return 0;
    }
    // the command name may hold spaces and parentheses: the fields start after the last ')'
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields 14-17 of proc(5) (utime, stime, cutime, cstime) are 11-14 here, counted from field 3
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    return ticks / TICKS_PER_SECOND;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return ""; // the process ended between listing and reading: its time is in its parent's now
    }
  }
}
