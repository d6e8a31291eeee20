/**
 * A modal on the native <dialog>: the browser traps focus inside it, Escape closes it
 * (through the cancel event, which we route to onClose so React state stays the truth).
 */
import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
  /** While false, Escape does nothing (e.g. while a request that must finish is in flight). */
  closable?: boolean;
}

export function Dialog({ title, onClose, children, className, closable = true }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        if (closable) onClose();
      }}
    >
      <div className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={onClose} disabled={!closable}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}
