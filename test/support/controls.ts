/** The actions under a one-picture result, in the order a member sees them. */
export const ONE_PICTURE_ACTIONS = [
  'reroll',
  'vary-subtle',
  'vary-strong',
  'edit',
  'remix',
  'upscale-2K',
  'upscale-4K',
  'delete',
];
