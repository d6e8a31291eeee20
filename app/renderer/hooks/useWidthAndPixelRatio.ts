/** An element's width in whole CSS pixels and the device pixel ratio, kept current. */
import { useLayoutEffect, useState, type RefObject } from 'react';

export function useWidthAndPixelRatio(ref: RefObject<HTMLElement | null>): { width: number; dpr: number } {
  const [width, setWidth] = useState(0);
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  // Measured before the first paint, so the first draw is scheduled in the same frame as the panels appear.
  useLayoutEffect(() => {
    const element = ref.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(element.clientWidth)));
    observer.observe(element);
    setWidth(Math.floor(element.clientWidth));
    const media = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    const onDpr = (): void => setDpr(window.devicePixelRatio || 1);
    media.addEventListener('change', onDpr);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', onDpr);
    };
  }, [ref]);
  return { width, dpr };
}
