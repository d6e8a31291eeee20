// TypeBox's generated checkers (new Function: main only, the renderer's CSP forbids it).
import { Compile } from 'typebox/compile';
import { schemas } from './typebox.mjs';

const compiled = Object.fromEntries(Object.entries(schemas).map(([channel, schema]) => [channel, Compile(schema)]));

export { schemas };

export function validate(channel, value) {
  return compiled[channel].Check(value) ? { ok: true, value: globalThis.structuredClone(value) } : { ok: false, message: 'invalid' };
}
