import { randomBytes } from 'node:crypto';

/**
 * The custom_id of every button, menu and modal the bot makes: `v1:<action>:<key>[:<picture>]`.
 * The version comes first so a later layout can be told from this one; the key is a result's
 * random control id (its request is in the store) or, for the context menus' modals, the id of
 * the message they act on. Nothing else is trusted from it: a client can send any string, so a
 * custom_id is parsed strictly and what it names is looked up, never believed.
 */

export const CUSTOM_ID_VERSION = 'v1';
/** Discord's limit on a custom_id. */
export const CUSTOM_ID_MAX = 100;
/** Discord puts at most 10 files in one message: the pictures a result's first message can hold. */
export const MAX_PICTURES = 10;

/** What can be done with one picture of a result. */
export const PICTURE_ACTIONS = ['vary-subtle', 'vary-strong', 'edit', 'upscale-2K', 'upscale-4K'] as const;
export type PictureAction = (typeof PICTURE_ACTIONS)[number];
/** What is done with a whole result. */
export const RESULT_ACTIONS = ['reroll', 'remix', 'delete'] as const;
export type ResultAction = (typeof RESULT_ACTIONS)[number];
export type ControlAction = PictureAction | ResultAction;

export type ControlId =
  /** A button under a result, or the Edit and Remix modals it opens. */
  | {
      readonly kind: 'action';
      readonly action: ControlAction;
      readonly controlId: string;
      readonly picture: number;
    }
  /** The select menu of a result with several pictures: its values say the action and the picture. */
  | { readonly kind: 'pick'; readonly controlId: string }
  /** The modal of "Edit with Gemini", naming the message whose images it edits. */
  | { readonly kind: 'message-edit'; readonly messageId: string };

export type ParsedControlId =
  | { readonly ok: true; readonly id: ControlId }
  /** `version`: made by another version of the bot; `malformed`: made by no version of it. */
  | { readonly ok: false; readonly reason: 'version' | 'malformed' };

/** 12 random bytes: 16 characters, far past guessing. */
export const newControlId = (): string => randomBytes(12).toString('base64url');

const CONTROL_KEY = /^[A-Za-z0-9_-]{16}$/;
const SNOWFLAKE = /^\d{17,20}$/;
const isPictureAction = (s: string): s is PictureAction => (PICTURE_ACTIONS as readonly string[]).includes(s);
const isResultAction = (s: string): s is ResultAction => (RESULT_ACTIONS as readonly string[]).includes(s);

export function encodeControlId(id: ControlId): string {
  const parts = (() => {
    switch (id.kind) {
      case 'action':
        return isPictureAction(id.action)
          ? [id.action, id.controlId, String(id.picture)]
          : [id.action, id.controlId];
      case 'pick':
        return ['pick', id.controlId];
      case 'message-edit':
        return ['message-edit', id.messageId];
    }
  })();
  const encoded = [CUSTOM_ID_VERSION, ...parts].join(':');
  if (encoded.length > CUSTOM_ID_MAX) throw new Error(`custom_id over ${CUSTOM_ID_MAX} characters`);
  return encoded;
}

const pictureNumber = (s: string | undefined): number | undefined => {
  if (s === undefined || !/^(?:[1-9]|10)$/.test(s)) return undefined;
  return Number(s);
};

/** Reads a custom_id back; anything that is not exactly what encodeControlId makes is refused. */
export function parseControlId(raw: string): ParsedControlId {
  const malformed = { ok: false, reason: 'malformed' } as const;
  if (raw.length > CUSTOM_ID_MAX) return malformed;
  const [version, name = '', key = '', ...rest] = raw.split(':');
  if (version !== CUSTOM_ID_VERSION) {
    return /^v\d+$/.test(version ?? '') ? { ok: false, reason: 'version' } : malformed;
  }
  if (name === 'message-edit') {
    return rest.length === 0 && SNOWFLAKE.test(key)
      ? { ok: true, id: { kind: 'message-edit', messageId: key } }
      : malformed;
  }
  if (!CONTROL_KEY.test(key)) return malformed;
  if (name === 'pick' && rest.length === 0) return { ok: true, id: { kind: 'pick', controlId: key } };
  if (isResultAction(name) && rest.length === 0) {
    return { ok: true, id: { kind: 'action', action: name, controlId: key, picture: 1 } };
  }
  const picture = pictureNumber(rest[0]);
  if (isPictureAction(name) && rest.length === 1 && picture !== undefined) {
    return { ok: true, id: { kind: 'action', action: name, controlId: key, picture } };
  }
  return malformed;
}

/** A select menu option's value: `<action>:<picture>`. */
export const pickValue = (action: PictureAction, picture: number): string => `${action}:${picture}`;

export function parsePickValue(value: string): { action: PictureAction; picture: number } | undefined {
  const [action = '', n, ...rest] = value.split(':');
  const picture = pictureNumber(n);
  return isPictureAction(action) && picture !== undefined && rest.length === 0
    ? { action, picture }
    : undefined;
}
