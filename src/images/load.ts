import sharp from 'sharp';
import type { Config } from '../config.js';
import type { LoadImage } from '../jobs/pipeline.js';
import { downloadAttachment, type DownloadPolicy } from './download.js';
import { normalizeImage, type NormalizeOptions } from './normalize.js';

export function createImageLoader(config: Config): LoadImage {
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
  );
}

/** Download then normalize: every input image takes this one path, whatever its source. */
export function createLoader(policy: DownloadPolicy, normalize: NormalizeOptions): LoadImage {
  return async (url, filename, declaredSize) => {
    const data = await downloadAttachment(url, filename, policy, declaredSize);
    return normalizeImage(data, filename, normalize);
  };
}
