import type { TestProject } from 'vitest/node';

/** Which server of a kind (Redis, PostgreSQL) the tests needing one use, or why none. */
export type ServiceChoice =
  | { readonly kind: 'use'; readonly url: string }
  | { readonly kind: 'skip'; readonly notice: string }
  | { readonly kind: 'fail'; readonly reason: string };

export interface ServiceKind {
  /** 'Redis', 'PostgreSQL': for the messages. */
  readonly name: string;
  /** The variable that names the server (REDIS_URL, DATABASE_URL). */
  readonly urlVariable: string;
  /** The variable that moves the probe elsewhere, for tests of this choice. */
  readonly probeVariable: string;
  readonly defaultUrl: string;
  readonly skipNotice: string;
  /** null when a server answers at the URL, else why not. */
  ping(url: string): Promise<string | null>;
}

/**
 * The rules for every such server: the URL variable when it is set (one that does not answer fails
 * the run: it was asked for); otherwise one answering at the probe URL (developers often run one);
 * otherwise none, and the tests are skipped with a notice, unless CI=true, where they are required.
 */
export async function chooseService(service: ServiceKind, env: NodeJS.ProcessEnv): Promise<ServiceChoice> {
  const configured = env[service.urlVariable]?.trim();
  if (configured) {
    const problem = await service.ping(configured);
    return problem === null
      ? { kind: 'use', url: configured }
      : { kind: 'fail', reason: `${service.urlVariable}=${configured} does not answer (${problem})` };
  }
  const probeUrl = env[service.probeVariable]?.trim() || service.defaultUrl;
  const problem = await service.ping(probeUrl);
  if (problem === null) return { kind: 'use', url: probeUrl };
  if (env.CI === 'true') {
    return {
      kind: 'fail',
      reason: `CI=true requires the ${service.name} tests, but ${service.urlVariable} is unset and nothing answers at ${probeUrl} (${problem})`,
    };
  }
  return { kind: 'skip', notice: service.skipNotice };
}

/**
 * A vitest global setup's body: chooses once per run (each project runs its own global setup in
 * the one main process), says once why the tests are skipped, and provides the URL (or null).
 */
export async function provideService(
  project: TestProject,
  key: 'redisUrl' | 'postgresUrl',
  choose: () => Promise<ServiceChoice>,
): Promise<void> {
  const slot = Symbol.for(`banana-bot.test-${key}`);
  const shared = globalThis as { [slot]?: Promise<ServiceChoice> };
  const first = shared[slot] === undefined;
  shared[slot] ??= choose();
  const choice = await shared[slot];
  if (choice.kind === 'fail') throw new Error(choice.reason);
  if (choice.kind === 'skip' && first) console.log(choice.notice);
  project.provide(key, choice.kind === 'use' ? choice.url : null);
}
