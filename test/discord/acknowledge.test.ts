import { MessageFlags } from 'discord.js';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  Acknowledgement,
  AdmissionLoad,
  answerPrivately,
  BURST_ADMISSIONS,
  type AnsweredInteraction,
} from '../../src/discord/acknowledge.js';

/**
 * An interaction as discord.js keeps it: `deferred`, `ephemeral` and `replied` change as its answers
 * land, and every call is recorded. Discord's own deadline is the e2e tests' (slow-admission).
 */
function interactionMadeAt(createdTimestamp: number, { deferFails = false } = {}) {
  const calls: { method: string; options: unknown }[] = [];
  const state = { deferred: false, ephemeral: false as boolean | null, replied: false };
  const record = (method: string, options: unknown) => calls.push({ method, options });
  const interaction = {
    createdTimestamp,
    get deferred() {
      return state.deferred;
    },
    get ephemeral() {
      return state.ephemeral;
    },
    get replied() {
      return state.replied;
    },
    async deferReply(options: { flags?: number }) {
      record('deferReply', options);
      // A round trip to Discord.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (deferFails) throw new Error('Unknown interaction');
      state.deferred = true;
      state.ephemeral = ((options.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    },
    async reply(options: { flags?: number }) {
      record('reply', options);
      state.replied = true;
      state.ephemeral = ((options.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    },
    editReply: async (options: unknown) => void record('editReply', options),
    followUp: async (options: unknown) => void record('followUp', options),
    deleteReply: async () => void record('deleteReply', undefined),
  };
  return { interaction: interaction as unknown as AnsweredInteraction, calls };
}

/** An interaction made now whose admission outlasted the delay: deferred early (privately or not). */
async function deferredEarly(privately: boolean) {
  const made = interactionMadeAt(Date.now());
  const ack = new Acknowledgement(made.interaction, new AdmissionLoad(), 1000);
  ack.soon(privately);
  await vi.advanceTimersByTimeAsync(1500);
  return { ...made, ack };
}

const SAID = { content: 'You have made 20 pictures today.', allowedMentions: { parse: [] } };
const methods = (calls: { method: string }[]) => calls.map((c) => c.method);

describe('acknowledging an interaction whose admission may be slow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  test('admission that answers in time: one private reply for a refusal, no deferral', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now());
    const ack = new Acknowledgement(interaction, new AdmissionLoad(), 1000);
    ack.soon(false);
    await vi.advanceTimersByTimeAsync(300);
    await ack.refuse(SAID);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual([{ method: 'reply', options: { ...SAID, flags: MessageFlags.Ephemeral } }]);
  });

  test('admission still running 1 s after the interaction was made: it is deferred then, publicly', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now() - 200);
    new Acknowledgement(interaction, new AdmissionLoad(), 1000).soon(false);
    await vi.advanceTimersByTimeAsync(799);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([{ method: 'deferReply', options: {} }]);
  });

  test('an interaction that reached the bot late is deferred at once, privately when the job is private', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now() - 1500);
    new Acknowledgement(interaction, new AdmissionLoad(), 1000).soon(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([{ method: 'deferReply', options: { flags: MessageFlags.Ephemeral } }]);
  });

  test('in a burst, a job that finds BURST_ADMISSIONS others in admission unacknowledged is deferred at once', async () => {
    const load = new AdmissionLoad();
    const waiting = Array.from({ length: BURST_ADMISSIONS }, () => {
      const made = interactionMadeAt(Date.now());
      const ack = new Acknowledgement(made.interaction, load, 1000);
      ack.soon(false);
      return { ...made, ack };
    });
    expect(load.unacknowledged).toBe(BURST_ADMISSIONS);
    const next = interactionMadeAt(Date.now());
    new Acknowledgement(next.interaction, load, 1000).soon(true);
    // At once, before any timer: the others still wait for their admissions.
    expect(next.calls).toEqual([{ method: 'deferReply', options: { flags: MessageFlags.Ephemeral } }]);
    expect(waiting.flatMap((w) => w.calls)).toEqual([]);

    // One admission answers (a refusal, replied privately) and another's timer defers it: room
    // again for two jobs to wait for their admission.
    await waiting[0]!.ack.refuse(SAID);
    await vi.advanceTimersByTimeAsync(0);
    expect(load.unacknowledged).toBe(BURST_ADMISSIONS - 1);
    const calm = interactionMadeAt(Date.now());
    new Acknowledgement(calm.interaction, load, 1000).soon(false);
    expect(calm.calls).toEqual([]);
    expect(load.unacknowledged).toBe(BURST_ADMISSIONS);
    await vi.advanceTimersByTimeAsync(1000);
    // Every timer fired: the load is back to none, each counted once.
    expect(load.unacknowledged).toBe(0);
    expect(calm.calls).toEqual([{ method: 'deferReply', options: {} }]);
  });

  test('a clock behind Discord’s waits no longer than the delay from now', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now() + 60_000);
    new Acknowledgement(interaction, new AdmissionLoad(), 1000).soon(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(methods(calls)).toEqual(['deferReply']);
  });

  test('a refusal after a public early deferral: the public “thinking…” goes, then a private follow-up', async () => {
    const { calls, ack } = await deferredEarly(false);
    await ack.refuse(SAID);
    expect(calls).toEqual([
      { method: 'deferReply', options: {} },
      // In this order: Discord makes the first follow-up of a public deferral the public reply.
      { method: 'deleteReply', options: undefined },
      { method: 'followUp', options: { ...SAID, flags: MessageFlags.Ephemeral } },
    ]);
  });

  test('a refusal after a private early deferral becomes the reply itself', async () => {
    const { calls, ack } = await deferredEarly(true);
    await ack.refuse(SAID);
    expect(methods(calls)).toEqual(['deferReply', 'editReply']);
    expect(calls[1]!.options).toEqual(SAID);
  });

  test('the job admitted after an early deferral uses it: Discord is answered once', async () => {
    const { calls, ack } = await deferredEarly(false);
    expect(await ack.defer(false)).toBe(true);
    expect(methods(calls)).toEqual(['deferReply']);
  });

  test('a job admitted in time is deferred then, and the timer never fires', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now());
    const ack = new Acknowledgement(interaction, new AdmissionLoad(), 1000);
    ack.soon(true);
    await vi.advanceTimersByTimeAsync(100);
    const deferring = ack.defer(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await deferring).toBe(true);
    expect(calls).toEqual([{ method: 'deferReply', options: {} }]);
  });

  test('a refusal while the early deferral is still in flight waits for it, then follows up', async () => {
    const { interaction, calls } = interactionMadeAt(Date.now() - 2000);
    const ack = new Acknowledgement(interaction, new AdmissionLoad(), 1000);
    ack.soon(false);
    await vi.advanceTimersByTimeAsync(0);
    // The deferral's answer has not landed: discord.js does not yet say the interaction is deferred.
    expect(interaction.deferred).toBe(false);
    const refusing = ack.refuse(SAID);
    await vi.advanceTimersByTimeAsync(50);
    await refusing;
    expect(methods(calls)).toEqual(['deferReply', 'deleteReply', 'followUp']);
  });

  test('a deferral Discord refused: the job is told so (false), and a refusal has no way left to the member', async () => {
    const { interaction } = interactionMadeAt(Date.now() - 5000, { deferFails: true });
    const ack = new Acknowledgement(interaction, new AdmissionLoad(), 1000);
    ack.soon(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(await ack.defer(false)).toBe(false);
    await expect(ack.refuse(SAID)).rejects.toThrow('Unknown interaction');
  });
});

describe('answering a member privately, whatever the interaction’s state', () => {
  test('not answered yet: a private reply', async () => {
    const { interaction, calls } = interactionMadeAt(0);
    await answerPrivately(interaction, SAID);
    expect(calls).toEqual([{ method: 'reply', options: { ...SAID, flags: MessageFlags.Ephemeral } }]);
  });

  test('already replied: a private follow-up', async () => {
    const { interaction, calls } = interactionMadeAt(0);
    await interaction.reply({ content: 'first' });
    await answerPrivately(interaction, SAID);
    expect(calls[1]).toEqual({ method: 'followUp', options: { ...SAID, flags: MessageFlags.Ephemeral } });
  });
});
