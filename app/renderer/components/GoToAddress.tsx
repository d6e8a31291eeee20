/** "Go to": an address (hex, 0x optional) or a region name; the heatmaps zoom there and mark it. */
import { useState, type FormEvent } from 'react';
import { findInLayout, type Found } from '../model/find.js';
import type { Layout } from '../model/layout.js';

interface Props {
  layout: Layout;
  onFound(found: Exclude<Found, { kind: 'none' }>): void;
}

export function GoToAddress({ layout, onFound }: Props) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const found = findInLayout(layout, text);
    if (found.kind === 'none') {
      setProblem(found.message);
      return;
    }
    setProblem(null);
    onFound(found);
  };
  return (
    <form className="goto" onSubmit={submit} role="search" aria-label="Go to an address or region">
      <input
        type="search"
        value={text}
        placeholder="go to 0x7f… or [heap], libc"
        aria-label="Address or region name"
        data-testid="goto-input"
        onChange={(event) => {
          setText(event.target.value);
          setProblem(null);
        }}
      />
      <button type="submit">Go</button>
      {problem !== null ? (
        <span className="error small" role="status" data-testid="goto-problem">
          {problem}
        </span>
      ) : null}
    </form>
  );
}
