/**
 * The one typed options object. Flags, the YAML config file (`--config`) and the Ansible role all
 * produce this shape; it is validated once here. Config file keys are the flags' long names
 * (`stream-base-url: ...`); unknown keys are errors; flags win over the file. Each option's type,
 * checks and default are its entry in ./table.ts.
 */
import { z } from 'zod';
import { optionEntries, type OPTION_TABLE } from './table.js';

export { durationSeconds, LIVE_TIMEOUT_MAX, LIVE_TIMEOUT_MIN } from './table.js';

type Table = typeof OPTION_TABLE;
/** Every entry that has a value type (all but --config), keyed as in the table. */
type Typed<K extends keyof Table> = ReturnType<Table[K]['schema']>;
type Shape = { [K in keyof Table as Typed<K> extends z.ZodType ? K : never]: Exclude<Typed<K>, undefined> };

const shape = Object.fromEntries(
  optionEntries().flatMap(([key, spec]) => {
    const schema = spec.schema(z, spec.choices!);
    return schema === undefined ? [] : [[key, schema]];
  }),
) as unknown as Shape;

export const optionsSchema = z.object(shape).strict();

export type Options = z.output<typeof optionsSchema>;
export type OptionsInput = z.input<typeof optionsSchema>;

/** kebab-case (config file, flags) → camelCase (schema). */
export function camelKey(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** camelCase → kebab-case, for messages that name a flag. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
