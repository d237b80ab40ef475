import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../src/config.js';
import { procfileEnv } from './emulators/bot-process.js';

const envExample = parse(readFileSync('.env.example'));
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('what an operator copies', () => {
  test('.env.example leaves DATA_DIR unset, so the container keeps its database in its volume', () => {
    expect(envExample).not.toHaveProperty('DATA_DIR');
    // An --env-file made from it does not override the image's DATA_DIR=/data.
    const config = loadConfig({
      ...envExample,
      DISCORD_TOKEN: 'x'.repeat(40),
      GEMINI_API_KEY: 'k'.repeat(20),
      DATA_DIR: '/data',
    });
    expect(config.dataDir).toBe('/data');
  });

  test('the container image sets its data folder to the volume and runs as an unprivileged user', () => {
    expect(dockerfile).toMatch(/^ENV .*\bDATA_DIR=\/data\b/m);
    expect(dockerfile).toMatch(/^VOLUME \/data$/m);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
  });

  test('the container image sets the same allocator variables as the Procfile', () => {
    const malloc = Object.entries(procfileEnv()).filter(([name]) => name.startsWith('MALLOC_'));
    expect(malloc.map(([name]) => name).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']);
    for (const [name, value] of malloc)
      expect(dockerfile).toMatch(new RegExp(`^ENV .*\\b${name}=${value}\\b`, 'm'));
  });

  test('a .env copied from .env.example with the two secrets filled in is a valid configuration', () => {
    const config = loadConfig({
      ...envExample,
      DISCORD_TOKEN: 'x'.repeat(40),
      GEMINI_API_KEY: 'k'.repeat(20),
    });
    expect(config.dataDir).toBe('./data');
  });

  test('the container image exposes its metrics port and checks /healthz on it', () => {
    const port = /^ENV .*\bMETRICS_PORT=(\d+)\b/m.exec(dockerfile)?.[1];
    expect(port).toBeDefined();
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    expect(
      loadConfig({ ...envExample, DISCORD_TOKEN: 'x'.repeat(40), GEMINI_API_KEY: 'k'.repeat(20) })
        .metricsPort,
    ).toBeUndefined();
  });
});
