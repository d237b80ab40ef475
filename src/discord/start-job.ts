import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import type { AppContext } from '../context.js';
import { UserError } from '../errors.js';
import type { InputSource, JobKind } from '../core/job.js';
import { InteractionTarget } from './delivery.js';

export const PROMPT_MAX = 2000;

/** Trims a prompt and refuses one with nothing in it. */
export function cleanPrompt(raw: string): string {
  const prompt = raw.replace(/\s+/g, ' ').trim();
  if (!prompt) throw new UserError('Please describe what you want: the prompt is empty.');
  if (prompt.length > PROMPT_MAX)
    throw new UserError(`That prompt is too long: ${PROMPT_MAX} characters at most.`);
  return prompt;
}

/**
 * The common start of every slash-command job: admit it (or say at once, privately, why not),
 * defer within Discord's 3 seconds, and hand the job to the pipeline, which answers from then on.
 */
export async function startCommandJob(
  interaction: ChatInputCommandInteraction,
  ctx: AppContext,
  spec: { kind: JobKind; prompt: string; aspectRatio?: string | undefined; inputs?: InputSource[] },
): Promise<void> {
  const admission = await ctx.pipeline.admit(interaction.user.id);
  if (!admission.ok) {
    await interaction.reply({
      content: admission.message,
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
    return;
  }
  const id = ctx.newJobId();
  const log = ctx.log.child({ jobId: id, userId: interaction.user.id, guildId: interaction.guildId });
  // The deferral and the job start together: the job need not wait a round trip to Discord, and
  // every edit of the reply waits for the deferral. If it fails, the result goes to the channel.
  const deferred = interaction.deferReply().then(
    () => true,
    (err: unknown) => {
      log.warn({ err }, 'could not defer the reply; the result will be posted in the channel');
      return false;
    },
  );
  ctx.pipeline.enqueue({
    id,
    kind: spec.kind,
    userId: interaction.user.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    prompt: spec.prompt,
    aspectRatio: spec.aspectRatio,
    inputs: spec.inputs ?? [],
    target: new InteractionTarget(interaction, spec.prompt, log, deferred),
    log,
  });
}
