/** Goal chart points shared by the chart tests. */
import { month as M } from '../../core/months.js';
import type { GoalChartPoint } from '../../web/charts/GoalChart';

// Three months of a K2 goal with target +1.1 % and a band of 1 point (edge +0.1 %):
// target = previous × 1.011, edge = previous × 1.001.
export const GOAL_POINTS: GoalChartPoint[] = [
  {
    month: M('2024-01'),
    current: 2.1,
    previous: 2.0,
    target: 2.022,
    atRiskEdge: 2.002,
    forecast: null,
    forecastLow: null,
    forecastHigh: null,
    changePct: 5, // 100 × (2.1 / 2.0 − 1)
    forecastChangePct: null,
    revised: false,
    provisional: false,
  },
  {
    month: M('2024-02'),
    current: 4.0,
    previous: 4.0,
    target: 4.044,
    atRiskEdge: 4.004,
    forecast: 4.0,
    forecastLow: 4.0,
    forecastHigh: 4.0,
    changePct: 0,
    forecastChangePct: 0,
    revised: true,
    provisional: false,
  },
  {
    month: M('2024-03'),
    current: null,
    previous: 6.0,
    target: 6.066,
    atRiskEdge: 6.006,
    forecast: 6.0,
    forecastLow: 5.7,
    forecastHigh: 6.2,
    changePct: null,
    forecastChangePct: 0,
    revised: false,
    provisional: false,
  },
];
