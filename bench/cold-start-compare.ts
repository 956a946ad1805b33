/**
 * Before/after cold imports of two sets of bundles, as `npm run bundle-report` writes them
 * (one folder per function with its index.mjs): `tsx bench/cold-start-compare.ts <before> <after> [runs]`.
 * The imports alternate, before then after, function by function, each in a fresh Node process,
 * so load from anything else on the machine falls on both sides alike; it prints the median
 * wall time and the median CPU time (user + system) of the import. Wall time is the goal's
 * measure; CPU time moves less when the machine is busy.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FUNCTION_ENV } from './function-env.ts';

const [beforeDir, afterDir, runsArg] = process.argv.slice(2);
if (!beforeDir || !afterDir) {
  console.error('usage: tsx bench/cold-start-compare.ts <before-bundles-dir> <after-bundles-dir> [runs, default 7]');
  process.exit(2);
}
const RUNS = Number(runsArg ?? 7);
const ENV = { PATH: process.env.PATH, ...FUNCTION_ENV };

function importOnce(file: string): { wall: number; cpu: number } {
  const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`;
  const [wall, cpu] = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: ENV })
    .trim()
    .split(' ')
    .map(Number);
  return { wall: wall!, cpu: cpu! };
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const names = readdirSync(resolve(afterDir)).filter((name) => existsSync(join(resolve(beforeDir), name, 'index.mjs')));
console.log('| function | before KB | after KB | before ms (cpu) | after ms (cpu) |');
console.log('|---|---:|---:|---:|---:|');
for (const name of names) {
  const files = [join(resolve(beforeDir), name, 'index.mjs'), join(resolve(afterDir), name, 'index.mjs')] as const;
  const samples = files.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let run = 0; run < RUNS; run++) {
    files.forEach((file, side) => {
      const { wall, cpu } = importOnce(file);
      samples[side]!.wall.push(wall);
      samples[side]!.cpu.push(cpu);
    });
  }
  const kb = files.map((file) => (statSync(file).size / 1024).toFixed(1));
  const ms = samples.map((s) => `${median(s.wall).toFixed(0)} (${median(s.cpu).toFixed(0)})`);
  console.log(`| ${name.replace(/-/g, ' ')} | ${kb[0]} | ${kb[1]} | ${ms[0]} | ${ms[1]} |`);
}
console.log(`\n(${RUNS} fresh Node ${process.version} processes per side and function, alternating; medians)`);
