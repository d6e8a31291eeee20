/** numactl / sysfs node-list syntax: "0-3,5,7-8". */

export class NodeListError extends Error {
  override name = 'NodeListError';
}

export function parseNodeList(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const nodes = new Set<number>();
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) throw new NodeListError(`bad node list "${text}": "${part}" is not a node or a range like 0-3`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new NodeListError(`bad node list "${text}": range ${part} runs backwards`);
    if (last > 4095) throw new NodeListError(`bad node list "${text}": node ${last} is out of range`);
    for (let node = first; node <= last; node++) nodes.add(node);
  }
  return [...nodes].sort((a, b) => a - b);
}

export function formatNodeList(nodes: readonly number[]): string {
  const sorted = [...new Set(nodes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
