/**
 * The snapshot a report page carries (`numascope report`): one
 * `<script type="application/json" id=EMBEDDED_SNAPSHOT_ID data-name=NAME>` element holding
 * the snapshot file's JSON, which the browser never runs. The report writer and the page's
 * reader (app/renderer/transport/embedded.ts) meet on these names.
 */
export const EMBEDDED_SNAPSHOT_ID = 'numascope-snapshot';
export const EMBEDDED_SNAPSHOT_TYPE = 'application/json';
/** The attribute naming the snapshot in the page ("offline: NAME"). */
export const EMBEDDED_NAME_ATTRIBUTE = 'data-name';

/**
 * Snapshot JSON made safe to sit inside a script element: every `<` written as `\u003c`, so
 * no text in it (a process named `</script>`, a path holding `<!--`) can end the element
 * or change how the HTML parser reads it. `<` can only occur inside JSON strings, where the
 * escape means the same character, so the JSON's value is unchanged.
 */
export function jsonForScriptElement(json: string): string {
  return json.replace(/</g, '\\u003c');
}
