/** Reading the components the bot sent, to build what a user clicking or typing into them would submit. */

export function findComponent(components: unknown[], customId: string): Record<string, unknown> | null {
  for (const raw of components) {
    if (raw === null || typeof raw !== 'object') continue;
    const component = raw as Record<string, unknown>;
    if (component.custom_id === customId) return component;
    const children = [
      ...(Array.isArray(component.components) ? component.components : []),
      ...(component.accessory ? [component.accessory] : []),
      ...(component.component ? [component.component] : []),
    ];
    const found = findComponent(children, customId);
    if (found) return found;
  }
  return null;
}

/** Mirrors the modal the bot showed, filled in with the test's values, in the shape Discord submits. */
export function answerModal(components: unknown[], values: Record<string, string>): unknown[] {
  const known = new Set<string>();
  let nextId = 1;
  const answer = (raw: unknown): unknown => {
    const component = (raw ?? {}) as Record<string, unknown>;
    const id = typeof component.id === 'number' ? component.id : nextId++;
    const customId = typeof component.custom_id === 'string' ? component.custom_id : undefined;
    if (Array.isArray(component.components)) {
      return { type: component.type, id, components: component.components.map(answer) };
    }
    if (component.component) return { type: component.type, id, component: answer(component.component) };
    if (component.type === 4 && customId !== undefined) {
      known.add(customId);
      const value = values[customId] ?? '';
      checkTextInput(component, customId, value);
      return { type: 4, id, custom_id: customId, value };
    }
    if (customId !== undefined) {
      known.add(customId);
      return {
        type: component.type,
        id,
        custom_id: customId,
        values: values[customId] ? [values[customId]] : [],
      };
    }
    return { type: component.type, id };
  };
  const answered = components.map(answer);
  const unknown = Object.keys(values).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`the modal has no inputs named ${unknown.join(', ')}`);
  return answered;
}

function checkTextInput(component: Record<string, unknown>, customId: string, value: string): void {
  const required = component.required !== false;
  const min = typeof component.min_length === 'number' ? component.min_length : 0;
  const max = typeof component.max_length === 'number' ? component.max_length : 4000;
  if (required && value === '') throw new Error(`modal input "${customId}" is required`);
  if (value !== '' && (value.length < min || value.length > max)) {
    throw new Error(`modal input "${customId}" must be ${min}-${max} characters`);
  }
}
