import { ThinkingLevel, type Content, type GenerateContentConfig, type Part } from '@google/genai';
import type { GenerateRequest } from '../core/generation.js';
import { modelInfo, usesThoughtSignatures } from '../core/models.js';
import type { ImageInput } from '../core/images.js';
import type { StoredPart } from '../core/conversation.js';

/** The documented stand-in for a signature on a model turn that was not produced by this model. */
export const PLACEHOLDER_SIGNATURE = 'context_engineering_is_the_way_to_go';

/** How an image's bytes become inlineData.data: the adapter puts a token there (see InlineImages). */
export type EncodeImage = (data: ImageInput['data']) => string;

/** The SDK's spelling of our thinking levels. */
const THINKING_LEVEL = { minimal: ThinkingLevel.MINIMAL, high: ThinkingLevel.HIGH } as const;

/**
 * The generation config for one request, with each control only where the catalogue says this
 * model takes it: Gemini answers 400 to an imageSize, a thinkingLevel or a tool a model lacks, so
 * an unsupported control is left out rather than sent (the Discord side refuses it up front with
 * checkControls). 1K is every model's default size and is not sent to a 1K-only model.
 */
export function buildGenerationConfig(
  req: GenerateRequest,
  model: string,
  { includeThoughts = false }: { readonly includeThoughts?: boolean } = {},
): Omit<GenerateContentConfig, 'abortSignal'> {
  const info = modelInfo(model);
  const aspectRatio =
    req.aspectRatio !== undefined && info.aspectRatios.includes(req.aspectRatio)
      ? req.aspectRatio
      : undefined;
  const imageSize =
    req.imageSize !== undefined && info.sizes.length > 1 && info.sizes.includes(req.imageSize)
      ? req.imageSize
      : undefined;
  const imageConfig = {
    ...(aspectRatio ? { aspectRatio } : {}),
    ...(imageSize ? { imageSize } : {}),
  };
  const thinkingLevel =
    req.thinkingLevel !== undefined && info.thinkingLevels.includes(req.thinkingLevel)
      ? req.thinkingLevel
      : undefined;
  // Interim images come only with thoughts included, and only from models that think.
  const thoughts = includeThoughts && info.thinking !== 'none';
  const thinkingConfig = {
    ...(thinkingLevel ? { thinkingLevel: THINKING_LEVEL[thinkingLevel] } : {}),
    ...(thoughts ? { includeThoughts: true } : {}),
  };
  return {
    responseModalities: ['TEXT', 'IMAGE'],
    ...(Object.keys(imageConfig).length > 0 ? { imageConfig } : {}),
    ...(Object.keys(thinkingConfig).length > 0 ? { thinkingConfig } : {}),
    ...(req.search && info.search.web ? { tools: [{ googleSearch: {} }] } : {}),
  };
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
