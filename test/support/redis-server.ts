import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

/**
 * A redis-server of the test's own, on a free port, with no persistence: tests that kill, restart
 * or freeze Redis must never do it to the shared server on 6379 that other work uses.
 */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Starts the server (again, on the same port) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Kills the server; with no persistence every key is gone, as after a crash or a restart. */
  stop(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
}

function findRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export const REDIS_SERVER = findRedisServer();

/**
 * Why the Redis fault tests cannot run here, or undefined when they can. Without redis-server they
 * are skipped with this reason, except in CI (CI=true), where a missing server is a failure.
 */
export const redisServerMissing: string | undefined = REDIS_SERVER
  ? undefined
  : 'redis-server is not installed (apt-get install redis-server)';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server on `port` (a free one by default), not started until start() unless `started`. */
export async function ownRedis(opts: { port?: number; started?: boolean } = {}): Promise<OwnRedis> {
  if (!REDIS_SERVER) throw new Error(redisServerMissing);
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  const redis: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) throw new Error('this redis-server is already running');
      const proc = spawn(
        REDIS_SERVER,
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      const deadline = Date.now() + 10_000;
      while (!(await accepts(port))) {
        if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited at start`);
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (!child) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
  };
  if (opts.started !== false) await redis.start();
  return redis;
}
