import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Routes, RESTEvents, type RateLimitData } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDiscordClient } from '../../src/discord/client.js';

const TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2Nzg5.GhIjKl.abcdefghijklmnopqrstuvwxyz012345';
const APP_ID = '101234567890123456';
const CHANNEL_ID = '201234567890123456';
/** More than @discordjs/rest lets through in one second under its global limit (50). */
const REQUESTS = 80;

/** A stand-in for Discord's REST API that answers every request at once and remembers its headers. */
let server: Server;
let apiUrl: string;
const seen: IncomingMessage['headers'][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '1', channel_id: CHANNEL_ID }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function botClient() {
  const config = loadConfig({
    DISCORD_TOKEN: TOKEN,
    GEMINI_API_KEY: 'AIzaSyA-test-key-0123456789',
    DISCORD_API_URL: apiUrl,
  });
  const client = createDiscordClient(config);
  client.rest.setToken(TOKEN);
  const globalWaits: RateLimitData[] = [];
  client.rest.on(RESTEvents.RateLimited, (data) => {
    if (data.global) globalWaits.push(data);
  });
  const responses: string[] = [];
  client.rest.on(RESTEvents.Response, (request) => responses.push(request.path));
  return { client, globalWaits, responses };
}

describe("the bot's REST client", () => {
  test('interaction edits, sent without the bot token, are not held to the global 50 a second', async () => {
    const { client, globalWaits, responses } = botClient();
    seen.length = 0;
    try {
      // Each on its own interaction token, as a burst of finished jobs would edit their replies.
      await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          client.rest.patch(Routes.webhookMessage(APP_ID, `token-${i}`, '@original'), {
            auth: false,
            body: { content: `picture ${i}` },
          }),
        ),
      );
      expect(seen).toHaveLength(REQUESTS);
      expect(seen.every((headers) => headers.authorization === undefined)).toBe(true);
      expect(globalWaits).toEqual([]);
      // Their responses are told on the client's manager, where discord.js and the bot listen.
      expect(responses).toHaveLength(REQUESTS);
      expect(responses[0]).toMatch(/^\/webhooks\/\d+\/token-\d+\/messages\/(@|%40)original$/);
    } finally {
      await client.destroy();
    }
  });

  test('requests with the bot token still wait for the global limit', async () => {
    const { client, globalWaits } = botClient();
    seen.length = 0;
    try {
      await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          client.rest.post(
            Routes.channelMessages(`${CHANNEL_ID.slice(0, -3)}${String(i).padStart(3, '0')}`),
            {
              body: { content: `message ${i}` },
            },
          ),
        ),
      );
      expect(seen).toHaveLength(REQUESTS);
      expect(seen.every((headers) => headers.authorization === `Bot ${TOKEN}`)).toBe(true);
      // The client told of its own wait, on the client's manager, like any rate limit.
      expect(globalWaits.length).toBeGreaterThan(0);
      expect(globalWaits[0]).toMatchObject({ global: true, limit: 50 });
    } finally {
      await client.destroy();
    }
  });
});
