import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BaselineResult, BaselineTask } from '../baseline/sdk-client.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLIENT = resolve(import.meta.dirname, '../baseline/sdk-client.ts');

/** Runs the bare-SDK client in its own Node process and returns each call's duration. */
export async function runBaselineClient(task: BaselineTask): Promise<number[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLIENT], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', BENCH_BASELINE: JSON.stringify(task) },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  const last = stdout.trim().split('\n').pop() ?? '';
  return (JSON.parse(last) as BaselineResult).durations;
}
