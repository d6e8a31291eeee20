/**
 * A report page (`numascope report`): the snapshot travels inside the page, so there is no
 * server to talk to. What the page carries is handed to the view as a File, and read, checked
 * and decoded on the same path as a file the user opens; moves and live polling stay absent
 * because no transport is picked.
 */
import { EMBEDDED_NAME_ATTRIBUTE, EMBEDDED_SNAPSHOT_ID, EMBEDDED_SNAPSHOT_TYPE } from '../../common/embedded-snapshot.js';

/** The snapshot this page carries, or null on a page that carries none. */
export function embeddedSnapshot(page: Document): File | null {
  const element = page.getElementById(EMBEDDED_SNAPSHOT_ID);
  if (!(element instanceof HTMLScriptElement) || element.type !== EMBEDDED_SNAPSHOT_TYPE) return null;
  const name = element.getAttribute(EMBEDDED_NAME_ATTRIBUTE) || 'report.json';
  return new File([element.textContent ?? ''], name, { type: EMBEDDED_SNAPSHOT_TYPE });
}
