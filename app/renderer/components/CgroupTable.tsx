/** The system view's cgroup tab: each cgroup v2 group holding processes, its bytes per node and the nodes its cpuset allows. */
import type { CgroupOverview } from '../../common/system-overview.js';
import { formatNodeList } from '../../common/nodelist.js';
import { formatBytes } from '../model/format.js';
import { totalOf } from '../model/system-view.js';
import { NodeBytesBar } from './NodeBytesBar.js';

interface Props {
  cgroups: CgroupOverview;
  order: readonly number[];
  query: string;
}

export function CgroupTable({ cgroups, order, query }: Props) {
  const terms = query.trim().toLowerCase().split(/\s+/).filter((t) => t !== '');
  const groups = cgroups.groups.filter((g) => terms.every((term) => g.path.toLowerCase().includes(term)));
  return (
    <div className="cgroups">
      <p className="muted">
        {cgroups.mount === null ? 'cgroup v2 is not mounted.' : `cgroup v2 at ${cgroups.mount}: groups holding processes; memory counts each group's whole subtree.`}
        {cgroups.note !== null ? ` Note: ${cgroups.note}.` : ''}
      </p>
      <div className="table-scroll system-list">
        <table className="process-table system-table cgroup-table">
          <thead>
            <tr>
              <th>cgroup</th>
              <th className="num">processes</th>
              <th className="num">memory</th>
              <th>per node</th>
              <th className="num">anon</th>
              <th className="num">file</th>
              <th>allowed nodes</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.path} data-cgroup={g.path}>
                <td className="args mono" title={g.path}>
                  {g.path}
                </td>
                <td className="num">{g.processes}</td>
                <td className="num">{g.nodeBytes === null ? '—' : formatBytes(totalOf(g.nodeBytes))}</td>
                <td>
                  <NodeBytesBar bytes={g.nodeBytes} order={order} missing="no memory controller on this group" />
                </td>
                <td className="num">{g.anonBytes === null ? '—' : formatBytes(g.anonBytes)}</td>
                <td className="num">{g.fileBytes === null ? '—' : formatBytes(g.fileBytes)}</td>
                <td className="mono">{g.memsEffective === null ? '—' : formatNodeList(g.memsEffective)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
