/**
 * The one error every snapshot operation throws for bad input or IO trouble. Its message is
 * a single line meant to be shown to users as is (the CLI prints it without a stack).
 */
export class SnapshotError extends Error {
  override name = 'SnapshotError';

  constructor(message: string, options?: { cause?: unknown }) {
    // Messages quote file content and OS errors; neither may break the one-line promise.
    super(message.replace(/\s*[\r\n]+\s*/g, ' '), options);
  }
}

/** A value from an untrusted file, quoted for a message: short, one line, never huge. */
export function quote(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value === null || typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value)) text = 'an array';
  else if (typeof value === 'object') text = 'an object';
  else text = typeof value;
  return text;
}
