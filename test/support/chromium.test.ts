import { describe, expect, test } from 'vitest';
import { chooseChromium, CHROMIUM_SKIP_NOTICE } from './chromium.js';

const nothing = () => false;

describe('which browser the browser tests drive', () => {
  test('the system chromium when it is installed', () => {
    expect(chooseChromium({}, (p) => p === '/usr/bin/chromium')).toEqual({
      kind: 'use',
      path: '/usr/bin/chromium',
    });
  });

  test('a CHROMIUM_PATH that is not there fails the run, even outside CI: it was asked for', () => {
    expect(chooseChromium({ CHROMIUM_PATH: '/opt/none/chrome' }, nothing)).toEqual({
      kind: 'fail',
      reason: 'CHROMIUM_PATH=/opt/none/chrome does not exist',
    });
  });

  test('without any, the tests are skipped with a one-line notice saying how to run them', () => {
    expect(chooseChromium({}, nothing)).toEqual({ kind: 'skip', notice: CHROMIUM_SKIP_NOTICE });
    expect(CHROMIUM_SKIP_NOTICE).not.toContain('\n');
  });

  test('with CI=true the browser tests are required: no chromium fails the run', () => {
    expect(chooseChromium({ CI: 'true' }, nothing)).toMatchObject({
      kind: 'fail',
      reason: expect.stringMatching(/^CI=true requires the browser tests/),
    });
  });
});
