/** The one notice line under the header: an error or a piece of information, until dismissed or replaced. */
import { useState } from 'react';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/** `notify` is stable: hooks and effects may hold on to it. */
export type Notify = (notice: Notice | null) => void;

export function useNotice(): { notice: Notice | null; notify: Notify } {
  const [notice, notify] = useState<Notice | null>(null);
  return { notice, notify };
}
