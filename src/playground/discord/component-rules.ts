import { invalidFormBody } from './errors.js';

/** Discord's limit on a custom_id. */
export const CUSTOM_ID_MAX = 100;
const BUTTON = 2;
/** Link and premium buttons carry a url or a SKU instead of a custom_id. */
const BUTTON_STYLES_WITHOUT_ID = new Set([5, 6]);
/** Select menus (string, user, role, mentionable, channel), text inputs and file uploads. */
const INTERACTIVE_TYPES = new Set([3, 4, 5, 6, 7, 8, 19]);

/**
 * The custom_id rules the schema cannot state: every interactive component of a message or a
 * modal has one, 1 to 100 characters, and no two in the same message share one. Discord answers
 * 50035 for each, with the path of the offending component.
 */
export function checkCustomIds(components: unknown[], root: readonly string[]): void {
  const seen = new Set<string>();
  const visit = (raw: unknown, path: (string | number)[]) => {
    if (raw === null || typeof raw !== 'object') return;
    const component = raw as Record<string, unknown>;
    const type = Number(component.type);
    const needsId =
      INTERACTIVE_TYPES.has(type) ||
      (type === BUTTON && !BUTTON_STYLES_WITHOUT_ID.has(Number(component.style)));
    if (needsId) {
      const id = component.custom_id;
      if (typeof id !== 'string' || id.length < 1 || id.length > CUSTOM_ID_MAX) {
        throw invalidFormBody(
          [...path, 'custom_id'],
          'BASE_TYPE_BAD_LENGTH',
          `Must be between 1 and ${CUSTOM_ID_MAX} in length.`,
        );
      }
      if (seen.has(id)) {
        throw invalidFormBody(
          [...path, 'custom_id'],
          'COMPONENT_CUSTOM_ID_DUPLICATED',
          'Component custom id cannot be duplicated',
        );
      }
      seen.add(id);
    }
    if (Array.isArray(component.components)) {
      component.components.forEach((child, i) => visit(child, [...path, 'components', i]));
    }
    if (component.accessory) visit(component.accessory, [...path, 'accessory']);
    if (component.component) visit(component.component, [...path, 'component']);
  };
  components.forEach((c, i) => visit(c, [...root, i]));
}
