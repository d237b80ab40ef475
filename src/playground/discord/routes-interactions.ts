import { checkCustomIds } from './component-rules.js';
import { MessageType } from './core.js';
import type { EmulatorCore } from './core.js';
import {
  DiscordApiError,
  alreadyAcknowledged,
  cannotSendEmptyMessage,
  invalidFormBody,
  invalidWebhookToken,
  threadLocked,
  unknownInteraction,
  unknownMessage,
  unknownWebhook,
} from './errors.js';
import { MessageFlag, readMessageChanges } from './message-input.js';
import type { MessageChanges } from './message-input.js';
import { messagePayload } from './payloads.js';
import { bodyObject, param } from './route-types.js';
import type { ApiRequest, ApiResult, RouteTable } from './route-types.js';
import { isEmptyMessage } from './routes-channels.js';
import type { InteractionState, MessageRecord } from './types.js';

export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, ModalSubmit: 5 } as const;

export const CallbackType = {
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  Modal: 9,
} as const;

const ALLOWED_CALLBACKS: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

const ORIGINAL = '@original';

/** The interaction callback and the interaction-token webhook routes; neither needs the bot token. */
export function interactionRoutes(core: EmulatorCore): RouteTable {
  const { world, config } = core;
  const limits = { attachmentSizeLimit: config.attachmentSizeLimit };

  const responseMessageType = (state: InteractionState) => {
    if (state.type !== InteractionType.ApplicationCommand) return MessageType.Default;
    return state.commandType === 1 ? MessageType.ChatInputCommand : 23;
  };

  const respond = async (state: InteractionState, req: ApiRequest): Promise<ApiResult> => {
    const body = bodyObject(req);
    const type = body.type;
    if (typeof type !== 'number' || !(ALLOWED_CALLBACKS[state.type] ?? []).includes(type)) {
      throw invalidFormBody(
        ['type'],
        'BASE_TYPE_CHOICES',
        'Value must be one of the allowed callback types.',
      );
    }
    const data = bodyObject({ ...req, body: body.data });
    let message: MessageRecord | null = null;
    switch (type) {
      case CallbackType.ChannelMessageWithSource: {
        const changes = await readMessageChanges(world, state.channelId, data, req.files, limits);
        if (isEmptyMessage(changes)) throw cannotSendEmptyMessage();
        message = createResponseMessage(state, changes, 0);
        break;
      }
      case CallbackType.DeferredChannelMessageWithSource: {
        const flags = typeof data.flags === 'number' ? data.flags & MessageFlag.Ephemeral : 0;
        message = createResponseMessage(state, { content: '', flags }, MessageFlag.Loading);
        state.deferred = true;
        break;
      }
      case CallbackType.DeferredUpdateMessage:
      case CallbackType.UpdateMessage: {
        message = state.sourceMessageId ? (world.messageById.get(state.sourceMessageId) ?? null) : null;
        if (!message) throw unknownMessage();
        state.originalMessageId = message.id;
        if (type === CallbackType.UpdateMessage) {
          const changes = await readMessageChanges(
            world,
            message.channelId,
            data,
            req.files,
            limits,
            message.attachments,
          );
          core.editMessage(message, changes);
        }
        break;
      }
      case CallbackType.Modal:
        state.modal = checkModal(data);
        break;
    }
    state.acknowledged = true;
    if (req.query.get('with_response') !== 'true') return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.id,
          type: state.type,
          response_message_id: message?.id,
          response_message_loading: message ? (message.flags & MessageFlag.Loading) !== 0 : undefined,
          response_message_ephemeral: message?.ephemeral,
        },
        resource: message ? { type, message: messagePayload(world, message) } : { type },
      },
    };
  };

  const createResponseMessage = (state: InteractionState, changes: MessageChanges, systemFlags: number) => {
    const message = core.createMessage({
      channelId: state.channelId,
      author: world.bot,
      changes,
      type: responseMessageType(state),
      interactionId: state.id,
      systemFlags,
      onCreated: (created) => {
        state.originalMessageId = created.id;
        state.ephemeral = created.ephemeral;
      },
    });
    return message;
  };

  const interactionFor = (req: ApiRequest): InteractionState => {
    if (param(req, 'webhook_id') !== world.applicationId) throw unknownWebhook();
    const state = world.interactionByToken.get(param(req, 'webhook_token'));
    if (!state || Date.now() > state.createdAt + config.tokenLifetimeMs) throw invalidWebhookToken();
    return state;
  };

  const ownMessage = (state: InteractionState, messageId: string): MessageRecord => {
    const id = messageId === ORIGINAL ? state.originalMessageId : messageId;
    const belongs = id !== null && (id === state.originalMessageId || state.followUpIds.includes(id));
    const message = belongs ? world.messageById.get(id) : undefined;
    if (!message || message.deleted) throw unknownMessage();
    return message;
  };

  const getMessage = (req: ApiRequest, messageId: string): ApiResult => {
    const state = interactionFor(req);
    return { status: 200, body: messagePayload(world, ownMessage(state, messageId)) };
  };

  /** A locked thread refuses the bot's interaction messages too; an archived one refuses edits. */
  const refuseInClosedThread = (channelId: string, editing: boolean) => {
    const thread = world.threadById.get(channelId);
    if (thread?.locked || (editing && thread?.archived)) throw threadLocked();
  };

  const editMessage = async (req: ApiRequest, messageId: string): Promise<ApiResult> => {
    const state = interactionFor(req);
    const message = ownMessage(state, messageId);
    refuseInClosedThread(message.channelId, true);
    const changes = await readMessageChanges(
      world,
      message.channelId,
      req.body,
      req.files,
      limits,
      message.attachments,
    );
    if (isEmptyMessage({ ...messageAsChanges(message), ...changes })) throw cannotSendEmptyMessage();
    core.editMessage(message, changes, true);
    state.edits.push({ messageId: message.id, body: req.body, at: Date.now() });
    core.interactionWaiters.notify(state);
    return { status: 200, body: messagePayload(world, message) };
  };

  const deleteMessage = (req: ApiRequest, messageId: string): ApiResult => {
    const state = interactionFor(req);
    core.deleteMessage(ownMessage(state, messageId));
    return { status: 204 };
  };

  return {
    'POST /interactions/{interaction_id}/{interaction_token}/callback': async (req) => {
      const state = world.interactions.get(param(req, 'interaction_id'));
      if (!state || state.token !== param(req, 'interaction_token')) throw unknownInteraction();
      const callback = { type: Number(bodyObject(req).type), body: req.body, status: 0, at: Date.now() };
      state.callbacks.push(callback);
      try {
        if (state.acknowledged) throw alreadyAcknowledged();
        if (callback.at > state.createdAt + config.interactionDeadlineMs) throw unknownInteraction();
        const result = await respond(state, req);
        callback.status = result.status;
        return result;
      } catch (error) {
        callback.status = error instanceof DiscordApiError ? error.status : 500;
        throw error;
      } finally {
        core.interactionWaiters.notify(state);
      }
    },

    'GET /webhooks/{webhook_id}/{webhook_token}/messages/@original': (req) => getMessage(req, ORIGINAL),
    'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original': (req) => editMessage(req, ORIGINAL),
    'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/@original': (req) => deleteMessage(req, ORIGINAL),
    'GET /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (req) =>
      getMessage(req, param(req, 'message_id')),
    'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (req) =>
      editMessage(req, param(req, 'message_id')),
    'DELETE /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}': (req) =>
      deleteMessage(req, param(req, 'message_id')),

    'POST /webhooks/{webhook_id}/{webhook_token}': async (req) => {
      const state = interactionFor(req);
      if (!state.acknowledged) throw unknownWebhook();
      refuseInClosedThread(state.channelId, false);
      const changes = await readMessageChanges(world, state.channelId, req.body, req.files, limits);
      if (isEmptyMessage(changes)) throw cannotSendEmptyMessage();
      const original = state.originalMessageId ? world.messageById.get(state.originalMessageId) : undefined;
      let message: MessageRecord;
      if (state.deferred && original && (original.flags & MessageFlag.Loading) !== 0 && !original.deleted) {
        // Discord turns the first follow-up of a deferred reply into that reply.
        core.editMessage(original, { ...changes, flags: undefined }, true);
        message = original;
      } else {
        message = core.createMessage({
          channelId: state.channelId,
          author: world.bot,
          changes,
          type: responseMessageType(state),
          interactionId: state.id,
          onCreated: (created) => state.followUpIds.push(created.id),
        });
      }
      core.interactionWaiters.notify(state);
      const wait = req.query.get('wait') === 'true';
      return wait ? { status: 200, body: messagePayload(world, message) } : { status: 204 };
    },
  };
}

function messageAsChanges(message: MessageRecord): MessageChanges {
  return {
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    attachments: message.attachments,
  };
}

function checkModal(data: Record<string, unknown>): InteractionState['modal'] {
  const title = data.title;
  const customId = data.custom_id;
  const components = data.components;
  if (typeof title !== 'string' || title.length < 1 || title.length > 45) {
    throw invalidFormBody(['data', 'title'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 45 in length.');
  }
  if (typeof customId !== 'string' || customId.length < 1 || customId.length > 100) {
    throw invalidFormBody(
      ['data', 'custom_id'],
      'BASE_TYPE_BAD_LENGTH',
      'Must be between 1 and 100 in length.',
    );
  }
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    throw invalidFormBody(
      ['data', 'components'],
      'BASE_TYPE_BAD_LENGTH',
      'Must be between 1 and 5 in length.',
    );
  }
  checkCustomIds(components, ['data', 'components']);
  return { custom_id: customId, title, components };
}
