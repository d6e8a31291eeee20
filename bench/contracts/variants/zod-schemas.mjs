// The request schemas of app/common/ipc.ts in zod 4: the classic API and zod/mini take the
// same calls, so both variants build their schemas here from the namespace they import.
export function zodVariant(z) {
  const int = (min, max) => z.int().check(z.gte(min), z.lte(max));
  const hex = z.string().check(z.regex(/^0x[0-9a-fA-F]{1,16}$/));
  const range = z.strictObject({ start: hex, end: hex }).check(z.refine((r) => BigInt(r.end) > BigInt(r.start)));
  const plan = z.strictObject({
    pid: int(1, 4194304),
    startTime: int(0, Number.MAX_SAFE_INTEGER),
    ranges: z.array(range).check(z.minLength(1), z.maxLength(4096)),
    toNode: int(0, 1023),
    moveAll: z.boolean(),
  });
  const moveId = z.strictObject({ moveId: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/)) });

  const schemas = {
    'system:topology': z.null(),
    'process:watch': z.strictObject({ pid: int(1, 4194304), intervalMs: int(100, 3600000) }),
    'process:polling': z.strictObject({ paused: z.optional(z.boolean()), intervalMs: z.optional(int(100, 3600000)) }),
    'placement:window': z.strictObject({ from: int(0, 2 ** 52), to: int(1, 2 ** 52), pagesPerBin: int(1, 2 ** 52) }).check(z.refine((w) => w.to > w.from)),
    'move:plan': plan,
    'move:start': plan,
    'move:cancel': moveId,
  };

  function validate(channel, value) {
    const result = schemas[channel].safeParse(value);
    return result.success ? { ok: true, value: result.data } : { ok: false, message: result.error.issues[0].message };
  }
  return { schemas, validate };
}
