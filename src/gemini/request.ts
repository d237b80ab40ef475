import type { Content, Part } from '@google/genai';
import type { GenerateRequest } from '../core/generation.js';
import type { ImageInput } from '../core/images.js';
import type { StoredPart } from '../core/conversation.js';

/** The documented stand-in for a signature on a model turn that was not produced by this model. */
export const PLACEHOLDER_SIGNATURE = 'context_engineering_is_the_way_to_go';

/** How an image's bytes become inlineData.data: the adapter puts a token there (see InlineImages). */
export type EncodeImage = (data: ImageInput['data']) => string;

/** Input images one request may carry: 2.5 Flash works best with up to 3, Gemini 3 models take 14. */
export function maxInputImages(model: string): number {
  return /^gemini-3/.test(model) ? 14 : 3;
}

export function usesThoughtSignatures(model: string): boolean {
  return /^gemini-3/.test(model);
}

/**
 * Builds the conversation for one request. A refine replays the earlier prompts and model turns
 * (with their thought signatures, which Gemini 3 requires on replayed image parts); only the
 * image being refined is re-attached, older images are left out to keep requests small.
 */
export function buildContents(req: GenerateRequest, model: string, encode: EncodeImage): Content[] {
  const inline = (image: ImageInput): Part => ({
    inlineData: { mimeType: image.mimeType, data: encode(image.data) },
  });
  const contents: Content[] = [];
  const history = req.history ?? [];
  const signatures = usesThoughtSignatures(model);

  history.forEach((turn, i) => {
    const isLast = i === history.length - 1;
    contents.push({ role: 'user', parts: [{ text: turn.prompt }] });
    const parts = modelTurnParts(turn.modelParts, isLast ? req.previousImage : undefined, inline);
    if (parts.length === 0) parts.push({ text: 'Here is the image.' });
    if (signatures) {
      // Gemini 3 wants a signature on the turn's first part and on every image part. A turn rebuilt
      // without its own (an older model's, or one stored before signatures) takes the placeholder.
      parts.forEach((part, j) => {
        if (!part.thoughtSignature && (j === 0 || part.inlineData))
          part.thoughtSignature = PLACEHOLDER_SIGNATURE;
      });
    }
    contents.push({ role: 'model', parts });
  });

  const userParts: Part[] = [{ text: req.prompt }];
  if (history.length === 0 && req.previousImage) userParts.push(inline(req.previousImage));
  for (const image of req.images) userParts.push(inline(image));
  contents.push({ role: 'user', parts: userParts });
  return contents;
}

function modelTurnParts(
  stored: readonly StoredPart[],
  image: ImageInput | undefined,
  inline: (image: ImageInput) => Part,
): Part[] {
  const parts: Part[] = [];
  let imageUsed = false;
  for (const part of stored) {
    const signature = part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {};
    if (part.imageIndex !== undefined) {
      if (image && !imageUsed) {
        parts.push({ ...inline(image), ...signature });
        imageUsed = true;
      }
    } else if (part.text !== undefined) {
      parts.push({ text: part.text, ...signature });
    }
  }
  if (image && !imageUsed) parts.push(inline(image));
  return parts;
}
