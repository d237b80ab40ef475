import { describe, expect, test } from 'vitest';
import { choosePostgres, POSTGRES_SKIP_NOTICE } from './postgres.js';

// Port 1 on loopback: nothing listens there, so every connection is refused at once.
const CLOSED = 'postgres://postgres@127.0.0.1:1/postgres';

describe('which PostgreSQL the PostgreSQL tests use', () => {
  test('a DATABASE_URL that does not answer fails the run, even outside CI: it was asked for', async () => {
    expect(await choosePostgres({ DATABASE_URL: CLOSED })).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/DATABASE_URL=.*127\.0\.0\.1:1.* does not answer \(.*ECONNREFUSED/),
    });
  });

  test('without DATABASE_URL and with nothing answering, the tests are skipped with a notice saying how to run them', async () => {
    expect(await choosePostgres({ POSTGRES_PROBE_URL: CLOSED })).toEqual({
      kind: 'skip',
      notice: POSTGRES_SKIP_NOTICE,
    });
  });

  test('with CI=true the PostgreSQL tests are required: no PostgreSQL fails the run', async () => {
    expect(await choosePostgres({ CI: 'true', POSTGRES_PROBE_URL: CLOSED })).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/^CI=true requires the PostgreSQL tests/),
    });
  });
});
