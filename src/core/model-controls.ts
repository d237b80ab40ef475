import { phrase, type Phrase } from '../text/catalogue.js';
import { IMAGE_SIZES, modelInfo, type ImageSize, type ThinkingLevel } from './models.js';

/** The knobs a member can turn on one request; every one is optional. */
export interface RequestControls {
  readonly imageSize?: ImageSize | undefined;
  readonly aspectRatio?: string | undefined;
  /** Input images, the picture being refined included. */
  readonly referenceCount?: number | undefined;
  readonly search?: boolean | undefined;
  readonly thinkingLevel?: ThinkingLevel | undefined;
}

const list = (items: readonly string[]) => ({ oneOf: items });

/**
 * Whether this model can do what was asked. Returns the one sentence a member should read when it
 * cannot (which setting, and what the model does take), or undefined when everything fits. The
 * Discord commands call this before a job is queued, so Gemini never sees a request it would
 * refuse with a 400.
 */
export function checkControls(model: string, controls: RequestControls): Phrase | undefined {
  const info = modelInfo(model);
  const { imageSize, aspectRatio, referenceCount, search, thinkingLevel } = controls;
  if (imageSize !== undefined && !info.sizes.includes(imageSize)) {
    return info.sizes.length === 1
      ? phrase('options.onlySize', { model, size: info.sizes[0]! })
      : phrase('options.sizes', { model, sizes: list(info.sizes), size: imageSize });
  }
  if (aspectRatio !== undefined && !info.aspectRatios.includes(aspectRatio)) {
    return phrase('options.ratio', { model, ratio: aspectRatio, ratios: list(info.aspectRatios) });
  }
  if (referenceCount !== undefined && referenceCount > info.maxReferenceImages) {
    return phrase('options.references', { model, max: info.maxReferenceImages, count: referenceCount });
  }
  if (search && !info.search.web) return phrase('options.search', { model });
  if (thinkingLevel !== undefined && !info.thinkingLevels.includes(thinkingLevel)) {
    return info.thinking === 'always'
      ? phrase('options.alwaysThinks', { model })
      : phrase('options.noThinking', { model });
  }
  return undefined;
}

/** The sizes Upscale re-renders at, from the smaller up. */
export const UPSCALE_SIZES = ['2K', '4K'] as const satisfies readonly ImageSize[];
export type UpscaleSize = (typeof UPSCALE_SIZES)[number];

/**
 * The sizes a picture made at `made` (1K when none was asked for) can be upscaled to: the larger
 * ones some offered model makes. Empty when none can, and then Upscale is not offered at all.
 */
export function upscaleSizes(offered: readonly string[], made: ImageSize | undefined): UpscaleSize[] {
  const from = IMAGE_SIZES.indexOf(made ?? '1K');
  return UPSCALE_SIZES.filter(
    (size) => IMAGE_SIZES.indexOf(size) > from && offered.some((m) => modelInfo(m).sizes.includes(size)),
  );
}

/** The model an upscale goes to: the picture's own when it is offered and makes the size, else the first that does. */
export function upscaleModel(offered: readonly string[], own: string, size: UpscaleSize): string | undefined {
  const makes = (m: string) => modelInfo(m).sizes.includes(size);
  return offered.includes(own) && makes(own) ? own : offered.find(makes);
}
