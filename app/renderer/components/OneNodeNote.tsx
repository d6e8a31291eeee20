/**
 * On a machine with one NUMA node with memory, said once near the top: pages cannot move
 * anywhere, so the view is about where they reside. Hidden on machines with more nodes.
 */
interface Props {
  /** Nodes with memory, as the topology lists them. */
  withMemory: readonly number[];
}

export function OneNodeNote({ withMemory }: Props) {
  if (withMemory.length !== 1) return null;
  return (
    <p className="notice one-node" data-testid="one-node-note" role="note">
      This machine has one NUMA node with memory (node {withMemory[0]}): there is nowhere to move pages to, so this view shows where they reside only.
    </p>
  );
}
