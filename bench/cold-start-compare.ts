/**
 * Cold imports of two or more sets of bundles, as `npm run bundle-report` writes them (one
 * folder per function with its index.mjs):
 * `tsx bench/cold-start-compare.ts [--runs N] [--only name,name] [--aws-init] <folder> <folder> [...]`.
 * The imports alternate, folder after folder, function by function, each in a fresh Node
 * process, so load from anything else on the machine falls on every side alike; it prints, per
 * function and folder, the size, the median wall time and the median CPU time (user + system)
 * of the import, then the load average. Wall time is the goal's measure; CPU time moves less
 * when the machine is busy. The first folder is the reference: later ones also show their
 * CPU change against it.
 *
 * By default each import gets the offline configuration (HASH_KEY), as in the bundle report.
 * `--aws-init` gives it what a function gets on AWS instead: HASH_KEY_SECRET_ARN and role
 * credentials in the environment, so the HTTP functions create their Secrets Manager client,
 * sign and send GetSecretValue while they load, answered here by a stub on 127.0.0.1
 * (AWS_ENDPOINT_URL_SECRETS_MANAGER). That is the init work a cold start pays on AWS, less the
 * network round trip to Secrets Manager.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { FUNCTION_ENV } from './function-env.ts';

const args = process.argv.slice(2);
let runs = 7;
let only: string[] | undefined;
let awsInit = false;
const folders: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--only') only = args[++i]!.split(',');
  else if (args[i] === '--aws-init') awsInit = true;
  else folders.push(resolve(args[i]!));
}
if (folders.length < 2 || !Number.isInteger(runs) || runs < 1) {
  console.error(
    'usage: tsx bench/cold-start-compare.ts [--runs N, default 7] [--only route-earn,route-health] [--aws-init] <folder> <folder> [...]',
  );
  process.exit(2);
}

/** Answers every GetSecretValue with a 32-byte hex key, as Secrets Manager's JSON 1.1 protocol does. */
let secretFetches = 0;
const secretsManager = createServer((request, response) => {
  request.resume().on('end', () => {
    secretFetches += 1;
    response.setHeader('content-type', 'application/x-amz-json-1.1');
    response.end(JSON.stringify({ ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hash-key', SecretString: 'ab'.repeat(32) }));
  });
});
if (awsInit) await new Promise<void>((listening) => secretsManager.listen(0, '127.0.0.1', listening));

const ENV = {
  PATH: process.env.PATH,
  ...FUNCTION_ENV,
  ...(awsInit
    ? {
        HASH_KEY: '',
        HASH_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hash-key',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secretsManager.address() as AddressInfo).port}`,
        AWS_ACCESS_KEY_ID: 'AKIDBENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SESSION_TOKEN: 'bench',
      }
    : {}),
};

async function importOnce(file: string): Promise<{ wall: number; cpu: number }> {
  const code = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const w = performance.now() - t; const u = process.cpuUsage(c); console.log(w, (u.user + u.system) / 1000);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: ENV });
  const [wall, cpu] = stdout.trim().split(' ').map(Number);
  return { wall: wall!, cpu: cpu! };
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const names = readdirSync(folders[0]!)
  .filter((name) => folders.every((folder) => existsSync(join(folder, name, 'index.mjs'))))
  .filter((name) => !only || only.includes(name));
const load = [loadavg()[0]!];
const labels = folders.map((folder) => basename(folder));
console.log(`| function | ${labels.map((label) => `${label}: KB, wall ms, CPU ms`).join(' | ')} |`);
console.log(`|---|${labels.map(() => '---:').join('|')}|`);
for (const name of names) {
  const files = folders.map((folder) => join(folder, name, 'index.mjs'));
  const samples = files.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let run = 0; run < runs; run++) {
    for (const [side, file] of files.entries()) {
      const { wall, cpu } = await importOnce(file);
      samples[side]!.wall.push(wall);
      samples[side]!.cpu.push(cpu);
    }
  }
  load.push(loadavg()[0]!);
  const reference = median(samples[0]!.cpu);
  const cells = files.map((file, side) => {
    const cpu = median(samples[side]!.cpu);
    const change = side === 0 ? '' : ` (${cpu >= reference ? '+' : ''}${(((cpu - reference) / reference) * 100).toFixed(0)}%)`;
    return `${(statSync(file).size / 1024).toFixed(1)}, ${median(samples[side]!.wall).toFixed(0)}, ${cpu.toFixed(0)}${change}`;
  });
  console.log(`| ${name.replace(/-/g, ' ')} | ${cells.join(' | ')} |`);
}
console.log(
  `\n(${awsInit ? `init as on AWS, secret from a local stub (${secretFetches} fetches)` : 'offline configuration (HASH_KEY)'}; ${runs} fresh Node ${process.version} processes per folder and function, alternating; medians; load average ${Math.min(...load).toFixed(1)} to ${Math.max(...load).toFixed(1)} on ${availableParallelism()} CPUs)`,
);
secretsManager.close();
