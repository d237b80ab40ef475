import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The e2e suite runs the compiled bot, as production does: compile it once per run. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
