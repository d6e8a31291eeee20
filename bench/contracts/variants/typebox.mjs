// The request schemas of app/common/ipc.ts in TypeBox (JSON Schema), checked with Value.
import { Type } from 'typebox';
import { Value } from 'typebox/value';

const strict = { additionalProperties: false };
const int = (min, max) => Type.Integer({ minimum: min, maximum: max });
const hex = Type.String({ pattern: '^0x[0-9a-fA-F]{1,16}$' });
const range = Type.Object({ start: hex, end: hex }, strict);
const plan = Type.Object(
  {
    pid: int(1, 4194304),
    startTime: int(0, Number.MAX_SAFE_INTEGER),
    ranges: Type.Array(range, { minItems: 1, maxItems: 4096 }),
    toNode: int(0, 1023),
    moveAll: Type.Boolean(),
  },
  strict,
);
const moveId = Type.Object({ moveId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) }, strict);

export const schemas = {
  'system:topology': Type.Null(),
  'process:watch': Type.Object({ pid: int(1, 4194304), intervalMs: int(100, 3600000) }, strict),
  'process:polling': Type.Object({ paused: Type.Optional(Type.Boolean()), intervalMs: Type.Optional(int(100, 3600000)) }, strict),
  'placement:window': Type.Object({ from: int(0, 2 ** 52), to: int(1, 2 ** 52), pagesPerBin: int(1, 2 ** 52) }, strict),
  'move:plan': plan,
  'move:start': plan,
  'move:cancel': moveId,
};

// JSON Schema cannot say end > start or to > from: those would be code after the check.
export function validate(channel, value) {
  if (Value.Check(schemas[channel], value)) return { ok: true, value: Value.Clone(value) };
  const [error] = Value.Errors(schemas[channel], value);
  return { ok: false, message: error?.message ?? 'invalid' };
}
