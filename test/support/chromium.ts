import { existsSync } from 'node:fs';

/** Where Debian's `chromium` package (and others) put the browser. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_SKIP_NOTICE =
  'Browser tests skipped: no chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)';

export type ChromiumChoice =
  | { readonly kind: 'use'; readonly path: string }
  | { readonly kind: 'skip'; readonly notice: string }
  | { readonly kind: 'fail'; readonly reason: string };

/**
 * Which browser the playground's browser tests drive (playwright-core downloads none):
 * - CHROMIUM_PATH when it is set; one that is not there fails the run (it was asked for);
 * - otherwise the system's chromium;
 * - otherwise none: the tests are skipped, unless CI=true, where they are required and the run fails.
 */
export function chooseChromium(env: NodeJS.ProcessEnv, exists = existsSync): ChromiumChoice {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    return exists(configured)
      ? { kind: 'use', path: configured }
      : { kind: 'fail', reason: `CHROMIUM_PATH=${configured} does not exist` };
  }
  const found = CANDIDATES.find((path) => exists(path));
  if (found) return { kind: 'use', path: found };
  if (env.CI === 'true') {
    return {
      kind: 'fail',
      reason: `CI=true requires the browser tests, but no chromium is in ${CANDIDATES.join(', ')}`,
    };
  }
  return { kind: 'skip', notice: CHROMIUM_SKIP_NOTICE };
}
