import {
  MessageFlags,
  type CommandInteraction,
  type MessageComponentInteraction,
  type MessageCreateOptions,
  type ModalSubmitInteraction,
} from 'discord.js';

/** Every interaction the bot answers with a job, a refusal or an error. */
export type AnsweredInteraction = CommandInteraction | MessageComponentInteraction | ModalSubmitInteraction;

/**
 * How long after Discord made an interaction its first answer may wait for admission. Discord
 * refuses a first answer after 3 s; admission is normally a few milliseconds of Redis and
 * database calls, but a busy process (or a slow database) can make it seconds, so past this the
 * interaction is deferred ("thinking…") before admission has answered.
 */
export const EARLY_ACK_MS = 1000;

type PrivatePayload = Pick<MessageCreateOptions, 'content' | 'allowedMentions'>;

/**
 * How many jobs may be in admission unacknowledged at once before the next is acknowledged at
 * once. In a burst (hundreds of commands in a second) the process itself is the slow part: every
 * admission waits behind the others' work, and so does the timer of EARLY_ACK_MS, so deferrals
 * made after admission, or by that timer, reached Discord past its 3 s.
 */
export const BURST_ADMISSIONS = 8;

/** A process's jobs in admission without an acknowledgement yet (see BURST_ADMISSIONS). */
export class AdmissionLoad {
  unacknowledged = 0;
}

/**
 * An interaction's first answer. Normally the job's deferral, made once the job is admitted; a
 * refusal is then a private reply. When admission is slow, the deferral is made early (see
 * EARLY_ACK_MS), and a refusal that follows it is still said to the member alone.
 */
export class Acknowledgement {
  private deferral: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Counted in the load's unacknowledged admissions. */
  private counted = false;
  /** Why the deferral failed, when it did. */
  failure: unknown;

  constructor(
    private readonly interaction: AnsweredInteraction,
    private readonly load: AdmissionLoad,
    private readonly afterMs: number = EARLY_ACK_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The job is about to be admitted: defers it (privately or not) if admission has not answered by
   * `afterMs` after the interaction was made (at once, if that is past), or at once if the process
   * already has BURST_ADMISSIONS jobs in admission unacknowledged. By Discord's clock: a clock of
   * ours that runs behind waits no longer than `afterMs` from now.
   */
  soon(privately: boolean): void {
    if (this.deferral || this.timer) return;
    if (this.load.unacknowledged >= BURST_ADMISSIONS) {
      void this.defer(privately);
      return;
    }
    this.counted = true;
    this.load.unacknowledged++;
    const wait = Math.min(this.afterMs, this.interaction.createdTimestamp + this.afterMs - this.now());
    this.timer = setTimeout(() => void this.defer(privately), Math.max(0, wait));
  }

  /** Defers the interaction now, if not yet; resolves to whether Discord took the deferral. */
  defer(privately: boolean): Promise<boolean> {
    this.stopTimer();
    this.deferral ??= this.interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {}).then(
      () => true,
      (err: unknown) => {
        this.failure = err;
        return false;
      },
    );
    return this.deferral;
  }

  /** Waits for a deferral in flight, so that the interaction says how it was answered. */
  async settled(): Promise<void> {
    this.stopTimer();
    await this.deferral;
  }

  /** Says `payload` to the member alone, whether or not the interaction was deferred early. */
  async refuse(payload: PrivatePayload): Promise<void> {
    await this.settled();
    if (this.deferral && !(await this.deferral)) throw this.failure;
    await answerPrivately(this.interaction, payload);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.counted) this.load.unacknowledged--;
    this.counted = false;
  }
}

/**
 * Says `payload` to the member alone, in whatever state the interaction is: not answered yet (a
 * private reply), deferred privately (the reply becomes it), deferred in public (the public
 * "thinking…" is taken away, then a private follow-up), or already replied (a private follow-up).
 */
export async function answerPrivately(
  interaction: AnsweredInteraction,
  payload: PrivatePayload,
): Promise<void> {
  if (interaction.deferred && interaction.ephemeral) {
    await interaction.editReply(payload);
  } else if (interaction.deferred) {
    // The public "thinking…" goes first: Discord makes the first follow-up of a deferred reply
    // that reply, public as it was deferred; once it is deleted, a follow-up is a message of its
    // own and may be private.
    await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  } else if (interaction.replied) {
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  }
}
