import type { MessageRecord } from '../../src/playground/discord/index.js';

/** The custom_ids of a message's buttons and menus, in order. */
export function customIds(message: MessageRecord): string[] {
  const ids: string[] = [];
  const walk = (c: unknown) => {
    const component = c as { custom_id?: string; components?: unknown[] };
    if (component.custom_id) ids.push(component.custom_id);
    component.components?.forEach(walk);
  };
  message.components.forEach(walk);
  return ids;
}
