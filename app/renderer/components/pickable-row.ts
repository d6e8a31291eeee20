import type { KeyboardEvent } from 'react';

/** A table row that opens its process on click, Enter or Space, and only when it can be read. */
export function pickableRow(readable: boolean, pick: () => void) {
  return {
    tabIndex: readable ? 0 : -1,
    'aria-disabled': !readable,
    onClick: () => {
      if (readable) pick();
    },
    onKeyDown: (event: KeyboardEvent) => {
      if ((event.key === 'Enter' || event.key === ' ') && readable) {
        event.preventDefault();
        pick();
      }
    },
  };
}
