/**
 * The shapes the alerts need from the rest of the server, declared structurally so that the
 * alert engine depends only on what it reads (the goal service satisfies `GoalsSource`).
 */
import type { GoalEvaluation, GoalStatus, Month } from '../domain/types.js';

export type { GoalEvaluation, GoalStatus, Month };

export interface GoalsQuery {
  region?: string;
  year?: number;
  month?: string;
}

/** What `getGoals` answers; only the fields the alerts read. */
export interface GoalsResult {
  region: { id: string; name: string; sample: boolean; sampleAsOf: string | null };
  year: number;
  dataMonth: Month | null;
  goals: GoalEvaluation[];
}

/** The goal service as the alerts see it. */
export interface GoalsSource {
  getGoals(query: GoalsQuery): Promise<GoalsResult>;
}

/** The current time; injected so tests drive retries and the monthly check without waiting. */
export type Clock = () => Date;

export type AlertTrigger = 'import' | 'daily' | 'manual';
export type { AlertKind } from '../../core/vocabulary.js';

export type AlertDeliveryState = 'pending' | 'sent' | 'failed';
