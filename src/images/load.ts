import sharp from 'sharp';
import type { Config } from '../config.js';
import type { JobImages } from '../core/images.js';
import { shrinkDraft } from './draft.js';
import { fitToUploadLimit } from './fit.js';
import { downloadAttachment, type DownloadPolicy } from './download.js';
import { normalizeImage, type NormalizeOptions } from './normalize.js';
import { discardImages, type Spool } from './spool.js';

export function createImageLoader(config: Config, spool: Spool): JobImages {
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
 * What jobs need of images. Download to the spool, then normalize: every input image takes this one
 * path, whatever its source. An image Gemini takes as it is stays in its file; a converted one gets
 * a spool file of its own and its download is deleted at once. Either way an input waits for Gemini
 * on disk, not in memory.
 */
export function createLoader(
  policy: DownloadPolicy,
  normalize: NormalizeOptions,
  spool: Pick<Spool, 'newPath'>,
): JobImages {
  return {
    async load(url, filename, declaredSize, signal, modelMaxSide) {
      const file = await downloadAttachment(url, filename, policy, spool.newPath(), declaredSize, signal);
      try {
        const maxSide = Math.min(normalize.maxSide, modelMaxSide ?? Infinity);
        const image = await normalizeImage(file, filename, { ...normalize, maxSide }, spool);
        if (image.data !== file) await file.discard();
        return image;
      } catch (err) {
        await file.discard();
        throw err;
      }
    },
    release: discardImages,
    fitForUpload: (image, basename, limit) => fitToUploadLimit({ ...image, basename }, limit),
    shrinkDraft,
  };
}
