// Preloaded into the provision CLI by the benchmark (node --import ./bench/instrument.mjs dist/cli/main.js ...):
// records when the first connection starts (ms since the process started: parse, validate and plan come before it)
// and the CPU time it had used by then (user + system: less sensitive than wall time to other work on the machine),
// and the process's peak resident memory, into the JSON file named by BENCH_STATS_FILE. Changes nothing else.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_STATS_FILE;
if (file) {
  let firstConnectMs;
  let firstConnectCpuMs;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    if (firstConnectMs === undefined) {
      firstConnectMs = performance.now();
      const cpu = process.cpuUsage();
      firstConnectCpuMs = (cpu.user + cpu.system) / 1000;
    }
    return connect.apply(this, args);
  };
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ firstConnectMs, firstConnectCpuMs, maxRssKb: process.resourceUsage().maxRSS }));
  });
}
