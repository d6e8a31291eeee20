/**
 * The heat that goes with what is shown: the live process's latest report, or the measurement
 * a file opened offline carries; in the forms the views draw (band spans, region heat and
 * locality for the table). Nothing here when no measurement goes with the placement shown.
 */
import { useMemo } from 'react';
import type { HeatSection, WireHeatReport } from '../../common/heat.js';
import type { ViewData } from '../model/data.js';
import { heatSpans, regionHeat, regionLocality, type HeatSpan } from '../model/heat.js';

export interface ShownHeat {
  measurement: HeatSection | null;
  /** The live report (advice, locality); null for a file. */
  report: WireHeatReport | null;
  spans: HeatSpan[] | null;
  regionHeat: Map<number, number> | null;
  regionLocality: Map<number, number | null> | null;
}

export function useShownHeat(measurement: HeatSection | null, report: WireHeatReport | null, data: ViewData | null, tableData: ViewData | null): ShownHeat {
  const spans = useMemo(() => (measurement === null || data === null ? null : heatSpans(data.layout, measurement.ranges)), [measurement, data]);
  const heat = useMemo(() => (measurement === null || tableData === null ? null : regionHeat(tableData.layout, tableData.summaries, measurement.ranges)), [measurement, tableData]);
  const locality = useMemo(() => (report === null || tableData === null ? null : regionLocality(tableData.layout, report.regions)), [report, tableData]);
  return { measurement, report, spans, regionHeat: heat, regionLocality: locality };
}
