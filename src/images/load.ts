import sharp from 'sharp';
import type { Config } from '../config.js';
import type { ImageInput } from '../gemini/types.js';
import { downloadAttachment, type DownloadPolicy } from './download.js';
import { normalizeImage, type NormalizeOptions } from './normalize.js';
import { discardImages, type Spool } from './spool.js';

/** Fetches and checks input images, and lets go of them when the job no longer needs them. */
export interface ImageLoader {
  load(url: string, filename: string, declaredSize: number | undefined): Promise<ImageInput>;
  /** Deletes what load() kept on disk; call once Gemini has answered (or the job ended). */
  release(images: readonly ImageInput[]): Promise<void>;
}

export function createImageLoader(config: Config, spool: Spool): ImageLoader {
  // Every picture is new: libvips' operation cache (50 MB by default) would only hold memory.
  sharp.cache(false);
  return createLoader(
    {
      allowedHosts: config.attachmentHosts,
      maxBytes: config.maxInputBytes,
      idleTimeoutMs: 15_000,
      totalTimeoutMs: 60_000,
    },
    { maxSide: config.maxInputSide },
    spool,
  );
}

/**
 * Download to the spool, then normalize: every input image takes this one path, whatever its
 * source. An image Gemini takes as it is stays in its file; a converted one is in memory and its
 * download is deleted at once.
 */
export function createLoader(policy: DownloadPolicy, normalize: NormalizeOptions, spool: Spool): ImageLoader {
  return {
    async load(url, filename, declaredSize) {
      const file = await downloadAttachment(url, filename, policy, spool.newPath(), declaredSize);
      try {
        const image = await normalizeImage(file, filename, normalize);
        if (image.data !== file) await file.discard();
        return image;
      } catch (err) {
        await file.discard();
        throw err;
      }
    },
    release: discardImages,
  };
}
