/**
 * The steering lines of a goal: the December forecast with its 80 % interval and the probability
 * of meeting the target (always labelled "Prognose"), and what it still takes. Shared by the
 * overview cards and the goal page; the words come from core/steering-text.
 */
import { FORECAST_LABEL } from '../../core/steering-text';
import type { GoalCardView } from '../lib/goal-view';
import { StatusBadge } from './StatusBadge';
import { Suffix } from './Suffix';

export function ForecastSummary({ status, v }: { status: string; v: GoalCardView }) {
  return (
    <div className="forecast" data-field="forecast">
      <p className="forecast-line">
        <span className="forecast-label">{FORECAST_LABEL}:</span>{' '}
        <span className="nowrap" data-field="forecast-change">
          {v.forecastChange}
        </span>
        <Suffix
          sep=" "
          value={v.forecastInterval === null ? null : `(80 %: ${v.forecastInterval})`}
          data={{ 'data-field': 'forecast-interval' }}
        />
        <Suffix sep=" · " value={v.forecastProbability} data={{ 'data-field': 'forecast-probability' }} />{' '}
        <StatusBadge status={status} size="sm" prefix="voraussichtlich" />
      </p>
      {v.forecastNote !== null && (
        <p className="forecast-note" data-field="forecast-note">
          {v.forecastNote}
        </p>
      )}
      {v.pace !== null && (
        <p className="pace" data-field="pace">
          {v.pace}
        </p>
      )}
    </div>
  );
}
