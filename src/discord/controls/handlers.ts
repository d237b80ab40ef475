import {
  MessageFlags,
  PermissionFlagsBits,
  type Message,
  type MessageComponentInteraction,
  type ModalSubmitInteraction,
  type SendableChannels,
} from 'discord.js';
import type { AppContext } from '../../context.js';
import type { ControlRecord } from '../../core/controls.js';
import { Acknowledgement } from '../acknowledge.js';
import { UserError } from '../../errors.js';
import { phrase, type Voice } from '../../text/catalogue.js';
import { pictureSource, replaySource } from '../attachments.js';
import { DEFAULT_UPLOAD_LIMIT, MessageTarget } from '../delivery.js';
import { NO_PINGS } from '../no-pings.js';
import { cleanPrompt } from '../prompt.js';
import { threadName, threadOnPicture } from '../refine.js';
import {
  interactionOrigin,
  interactionServerVoice,
  requestFrom,
  submitJob,
  type JobOrigin,
} from '../submit.js';
import { mayDelete, planAction, uploadsGone, type JobAction } from './actions.js';
import { encodeControlId, parseControlId, parsePickValue, type ControlAction } from './custom-id.js';
import { submitMessageEdit } from './message-edit.js';
import { editModal, modalText, remixModal } from './modals.js';

type ControlInteraction = MessageComponentInteraction | ModalSubmitInteraction;

/** What a custom_id asks for once checked against the store: the action, its picture and its result. */
interface Pressed {
  readonly action: ControlAction;
  readonly picture: number;
  readonly record: ControlRecord;
}

const unknown = () => new UserError(phrase('controls.unknown'));

/**
 * A button, the result's select menu, or a modal one of them opened. The custom_id is parsed
 * strictly and its result read from the store, so a control works after a restart and on any
 * process sharing the store, and one that names nothing is refused in one private sentence.
 */
export async function handleControl(
  interaction: ControlInteraction,
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const parsed = parseControlId(interaction.customId);
  if (!parsed.ok)
    throw new UserError(phrase(parsed.reason === 'version' ? 'controls.oldVersion' : 'controls.unknown'));
  const { id } = parsed;
  if (id.kind === 'message-edit') {
    if (!interaction.isModalSubmit()) throw unknown();
    return submitMessageEdit(interaction, id.messageId, ctx, voice);
  }
  let { action, picture } = id.kind === 'action' ? id : { action: undefined, picture: 1 };
  if (id.kind === 'pick') {
    const value = interaction.isStringSelectMenu() ? parsePickValue(interaction.values[0] ?? '') : undefined;
    if (!value) throw unknown();
    ({ action, picture } = value);
  }
  const record = await ctx.store.getControls(id.controlId);
  // A control shown under another message than its own is forged (or a bug): it names nothing here.
  if (!record || !action || (interaction.message && interaction.message.id !== record.messageId)) {
    throw unknown();
  }
  if (record.deletedAt !== null) throw new UserError(phrase('controls.deleted'));
  if (picture > record.imageCount) throw new UserError(phrase('controls.noPicture', { number: picture }));
  await run(interaction, { action, picture, record }, ctx, voice);
}

async function run(
  interaction: ControlInteraction,
  pressed: Pressed,
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const { action, picture, record } = pressed;
  if (action === 'delete') return deletePicture(interaction, record, ctx, voice);
  refuseWhereBotCannotPost(interaction);
  if (action === 'edit') {
    if (!interaction.isModalSubmit()) {
      const customId = encodeControlId({ kind: 'action', action, controlId: record.controlId, picture });
      return interaction.showModal(editModal(voice, customId));
    }
    return submitEdit(interaction, pressed, ctx, voice);
  }
  if (action === 'remix' && !interaction.isModalSubmit()) {
    const gone = uploadsGone(record.request, Date.now());
    if (gone) throw new UserError(gone);
    const customId = encodeControlId({ kind: 'action', action, controlId: record.controlId, picture });
    return interaction.showModal(remixModal(voice, customId, record.request.shownPrompt));
  }
  return submitAction(interaction, pressed as Pressed & { action: JobAction }, ctx, voice);
}

/** Interaction replies need no channel permission, but the result and its fallbacks do. */
function refuseWhereBotCannotPost(interaction: ControlInteraction): void {
  if (!interaction.inGuild()) return;
  const post = interaction.channel?.isThread()
    ? PermissionFlagsBits.SendMessagesInThreads
    : PermissionFlagsBits.SendMessages;
  if (!interaction.appPermissions.has([PermissionFlagsBits.ViewChannel, post])) {
    throw new UserError(phrase('controls.cannotPost'));
  }
}

/** Reroll, Vary, Upscale and Remix: a new job of the member who pressed, answering under the picture. */
async function submitAction(
  interaction: ControlInteraction,
  { action, picture, record }: Pressed & { action: JobAction },
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const parentId = record.request.refine?.parentMessageId;
  const history = parentId
    ? (await ctx.store.lineage(parentId)).map((r) => ({ prompt: r.prompt, modelParts: r.modelParts }))
    : [];
  const prompt = interaction.isModalSubmit() ? cleanPrompt(modalText(interaction)) : undefined;
  const plan = planAction(record, action, {
    offered: ctx.models.offered.map((o) => o.model),
    picture,
    history,
    prompt,
    now: Date.now(),
    sources: {
      replay: (input) => replaySource(interaction.client, input),
      picture: (index) => pictureSource(interaction.client, record, index),
    },
  });
  if (!plan.ok) throw new UserError(plan.message);
  await submitJob(
    ctx,
    requestFrom(interaction, plan.request),
    interactionOrigin(
      ctx,
      interaction,
      voice,
      plan.shownPrompt,
      await interactionServerVoice(ctx, interaction),
    ),
  );
}

/** The channel of the picture: its thread when it is in one, else a thread started on it. */
async function threadForEdit(
  interaction: ModalSubmitInteraction,
  record: ControlRecord,
  ctx: AppContext,
  voice: Voice,
  log: Parameters<typeof threadOnPicture>[3],
): Promise<SendableChannels> {
  const client = interaction.client;
  if (record.threadId) {
    const thread = await client.channels.fetch(record.threadId).catch(() => null);
    if (thread?.isSendable()) return thread;
  }
  const channel = await client.channels.fetch(record.channelId).catch(() => null);
  if (!channel?.isTextBased() || !channel.isSendable()) throw new UserError(phrase('refine.cannotSee'));
  const picture: Message | undefined =
    interaction.message ?? (await channel.messages.fetch(record.messageId).catch(() => undefined));
  const parent = await ctx.store.getResult(record.messageId);
  if (!picture || !parent) return channel;
  return threadOnPicture(picture, parent, threadName(record.request.shownPrompt, voice), log);
}

/**
 * Edit: the member's words refine this picture in its thread, exactly as a reply to it would;
 * the modal's own answer only says where.
 */
async function submitEdit(
  interaction: ModalSubmitInteraction,
  pressed: Pressed,
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const { record, picture } = pressed;
  const instruction = cleanPrompt(modalText(interaction));
  const parent = await ctx.store.getResult(record.messageId);
  if (!parent) throw unknown();
  const lineage = await ctx.store.lineage(parent.messageId);
  // The modal's own answer is private whatever the job: it only says where the edit goes.
  const ack = new Acknowledgement(interaction, ctx.admissions);
  const origin: JobOrigin = {
    shownPrompt: instruction,
    voice,
    admitting: () => ack.soon(true),
    settled: () => ack.settled(),
    refuse: (message) => ack.refuse({ content: voice.say(message), allowedMentions: NO_PINGS }),
    // The edit answers in the picture's thread, for everyone there, as a reply refine does.
    canHide: false,
    async prepare({ log, controls, onPosted }) {
      // Acknowledged first: finding or starting the thread is more round trips to Discord.
      if (!(await ack.defer(true))) throw ack.failure;
      const channel = await threadForEdit(interaction, record, ctx, voice, log);
      await interaction
        .editReply({
          content: voice.t('controls.refiningIn', { channel: channel.id }),
          allowedMentions: NO_PINGS,
        })
        .catch((err: unknown) => log.warn({ err }, 'could not say where the edit goes'));
      const uploadLimit = interaction.attachmentSizeLimit || DEFAULT_UPLOAD_LIMIT;
      return new MessageTarget(
        channel,
        undefined,
        instruction,
        voice,
        interaction.user.id,
        uploadLimit,
        log,
        controls,
        onPosted,
      );
    },
  };
  await submitJob(
    ctx,
    requestFrom(interaction, {
      kind: 'refine',
      prompt: instruction,
      inputs: [],
      model: ctx.models.isOffered(parent.model) ? parent.model : undefined,
      refine: {
        parentMessageId: parent.messageId,
        previous: pictureSource(interaction.client, record, picture - 1),
        history: lineage.map((r) => ({ prompt: r.prompt, modelParts: r.modelParts })),
      },
    }),
    origin,
  );
}

/** Delete: for the member who asked and for moderators; the picture's message goes, and its buttons with it. */
async function deletePicture(
  interaction: ControlInteraction,
  record: ControlRecord,
  ctx: AppContext,
  voice: Voice,
): Promise<void> {
  const allowed = mayDelete({
    userId: interaction.user.id,
    ownerId: record.userId,
    canManageMessages: interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages) ?? false,
  });
  if (!allowed) throw new UserError(phrase('controls.notYours'));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  try {
    const channel = await interaction.client.channels.fetch(record.channelId);
    if (!channel?.isTextBased()) throw new Error('the picture’s channel is not reachable');
    await channel.messages.delete(record.messageId);
  } catch (err) {
    ctx.log.warn({ err, messageId: record.messageId }, 'could not delete a picture');
    throw new UserError(phrase('controls.cannotDelete'));
  }
  await ctx.store.markControlsDeleted(record.controlId, Date.now());
  await interaction.editReply({ content: voice.t('controls.deletedDone'), allowedMentions: NO_PINGS });
}
