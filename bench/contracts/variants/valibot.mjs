// The request schemas of app/common/ipc.ts in plain valibot (no custom messages).
import * as v from 'valibot';

const int = (min, max) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const hex = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{1,16}$/));
const range = v.pipe(
  v.strictObject({ start: hex, end: hex }),
  v.check((r) => BigInt(r.end) > BigInt(r.start)),
);
const plan = v.strictObject({
  pid: int(1, 4194304),
  startTime: int(0, Number.MAX_SAFE_INTEGER),
  ranges: v.pipe(v.array(range), v.minLength(1), v.maxLength(4096)),
  toNode: int(0, 1023),
  moveAll: v.boolean(),
});
const moveId = v.strictObject({ moveId: v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[A-Za-z0-9_-]+$/)) });

export const schemas = {
  'system:topology': v.null(),
  'process:watch': v.strictObject({ pid: int(1, 4194304), intervalMs: int(100, 3600000) }),
  'process:polling': v.strictObject({ paused: v.optional(v.boolean()), intervalMs: v.optional(int(100, 3600000)) }),
  'placement:window': v.pipe(
    v.strictObject({ from: int(0, 2 ** 52), to: int(1, 2 ** 52), pagesPerBin: int(1, 2 ** 52) }),
    v.check((w) => w.to > w.from),
  ),
  'move:plan': plan,
  'move:start': plan,
  'move:cancel': moveId,
};

export function validate(channel, value) {
  const result = v.safeParse(schemas[channel], value, { abortEarly: true });
  return result.success ? { ok: true, value: result.output } : { ok: false, message: result.issues[0].message };
}
