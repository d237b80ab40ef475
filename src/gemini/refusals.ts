/**
 * Friendly explanations for every reason Gemini gives for not producing an image. The words are
 * for server members, not engineers: what happened and what to try instead.
 */
const OUTPUT_REASONS: Record<string, string> = {
  SAFETY:
    'Gemini stopped because the result could break its safety rules. Try describing the scene differently.',
  IMAGE_SAFETY:
    'Gemini made an image but withheld it because it could break its safety rules. Try a tamer description.',
  PROHIBITED_CONTENT: 'Gemini will not make this: the request touches content its usage policy prohibits.',
  IMAGE_PROHIBITED_CONTENT:
    'Gemini withheld the image because it would show content its usage policy prohibits.',
  RECITATION:
    'Gemini stopped because the result would copy existing material too closely. Ask for something more original.',
  IMAGE_RECITATION:
    'Gemini withheld the image because it resembled existing protected work too closely. Try making it more original.',
  BLOCKLIST: 'Gemini refused because the request contains blocked terms. Rephrase it without them.',
  SPII: 'Gemini refused because the result could reveal sensitive personal information.',
  NO_IMAGE: 'Gemini could not produce an image for this request. Try being more specific about what to draw.',
  IMAGE_OTHER: 'Gemini could not produce an image this time. Try rephrasing the request.',
  OTHER: 'Gemini stopped without an image for an unspecified reason. Try rephrasing the request.',
  MAX_TOKENS: 'Gemini ran out of room before finishing the image. Try a shorter or simpler request.',
  MALFORMED_FUNCTION_CALL: 'Gemini produced an unusable answer. Please try again.',
  LANGUAGE: 'Gemini does not support the language of this request yet. Try writing it in English.',
};

const PROMPT_REASONS: Record<string, string> = {
  SAFETY: 'Gemini blocked the request itself for safety reasons. Try describing it differently.',
  OTHER: 'Gemini blocked the request for an unspecified reason. Try rephrasing it.',
  BLOCKLIST: 'Gemini blocked the request because it contains blocked terms. Rephrase it without them.',
  PROHIBITED_CONTENT: 'Gemini blocked the request because it asks for content its usage policy prohibits.',
  IMAGE_SAFETY: 'Gemini blocked the request because an attached image was flagged by its safety filters.',
  MODEL_ARMOR: 'Gemini’s protection layer blocked the request. Try rephrasing it.',
  JAILBREAK: 'Gemini blocked the request because it looked like an attempt to get around its rules.',
};

export function explainRefusal(source: 'prompt' | 'output', reason: string): string {
  const table = source === 'prompt' ? PROMPT_REASONS : OUTPUT_REASONS;
  // Own keys only: a reason such as "constructor" must not find Object.prototype's members.
  return (
    (Object.hasOwn(table, reason) ? table[reason] : undefined) ??
    (source === 'prompt'
      ? 'Gemini blocked the request. Try rephrasing it.'
      : 'Gemini finished without an image. Try rephrasing the request.')
  );
}

/** finishReasons that mean a normal end: anything else is a refusal when no image came back. */
export const NORMAL_FINISH = new Set(['STOP', 'FINISH_REASON_UNSPECIFIED']);
