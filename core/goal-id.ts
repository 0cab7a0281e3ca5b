/**
 * Goal ids: `${indicator}-${gender}`, e.g. 'K2-female'. Built and parsed here only, so that no
 * other module splits ids by hand or keeps its own pattern of them.
 */
import { GENDERS, type Gender } from './vocabulary.js';

/** An indicator code: a letter, then letters, digits or '_' ('K2', 'LZB', 'PLAN_1'). */
export const INDICATOR_CODE_PATTERN = '[A-Za-z][A-Za-z0-9_]*';
/** A goal id as a regular expression source (for schemas that embed it in a larger pattern). */
export const GOAL_ID_PATTERN = `${INDICATOR_CODE_PATTERN}-(?:${GENDERS.join('|')})`;

const GOAL_ID_RE = new RegExp(`^(${INDICATOR_CODE_PATTERN})-(${GENDERS.join('|')})$`);
const INDICATOR_CODE_RE = new RegExp(`^${INDICATOR_CODE_PATTERN}$`);

export interface GoalRef {
  indicator: string;
  gender: Gender;
}

/** The stable id of a goal within a region and year, e.g. 'K2-female'. */
export function goalId(indicator: string, gender: Gender): string {
  return `${indicator}-${gender}`;
}

/** The indicator and gender of a goal id, or null when `id` is not one. */
export function parseGoalId(id: string): GoalRef | null {
  const m = GOAL_ID_RE.exec(id);
  if (!m) return null;
  return { indicator: m[1] as string, gender: m[2] as Gender };
}

/**
 * The indicator a comment (or other note) is about: the indicator of a goal id ('K2-female' → 'K2'),
 * or the code itself when it names a whole indicator ('K2').
 */
export function indicatorOfGoalOrIndicator(goalOrIndicator: string): string {
  return parseGoalId(goalOrIndicator)?.indicator ?? goalOrIndicator;
}

export function isGoalId(id: string): boolean {
  return GOAL_ID_RE.test(id);
}

export function isIndicatorCode(code: string): boolean {
  return INDICATOR_CODE_RE.test(code);
}
