// Timing shared by the benchmarks.

/** Best of `runs` after a warm-up: wall time, and this process's CPU time (less disturbed
 * by other work on a shared machine). */
export function time(runs: number, work: () => void): { wall: number; cpu: number } {
  work();
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    work();
    wall = Math.min(wall, performance.now() - t);
    const d = process.cpuUsage(c);
    cpu = Math.min(cpu, (d.user + d.system) / 1000);
  }
  return { wall, cpu };
}
