/**
 * The wall's comment line: the latest comment of the year per goal (its own, or one on its whole
 * indicator), refreshed every minute like the figures, cut to one clean line.
 */
import { useQuery } from '@tanstack/react-query';
import { indicatorOfGoalOrIndicator } from '../../core/goal-id';

import { type CommentItem, client, read } from '../api';

/** Longest comment text on a tile, in characters; CSS ellipsis keeps it to one line as well. */
export const WALL_COMMENT_CHARS = 90;

export function useWallComments(region: string | null, year: number) {
  return useQuery({
    queryKey: ['wall-comments', region, year],
    queryFn: async () =>
      read(await client.api.comments.$get({ query: { region: region ?? '', year: String(year) } })),
    enabled: region !== null,
    refetchInterval: 60_000,
  });
}

/** The newest comment on this goal or its indicator (latest month, then latest written). */
export function latestComment(
  comments: readonly CommentItem[] | undefined,
  goalId: string,
): CommentItem | null {
  const indicator = indicatorOfGoalOrIndicator(goalId);
  let best: CommentItem | null = null;
  for (const c of comments ?? []) {
    if (c.goal !== goalId && c.goal !== indicator) continue;
    if (!best || c.month > best.month || (c.month === best.month && c.createdAt > best.createdAt)) best = c;
  }
  return best;
}

/** One line: line breaks become spaces; cut at a word boundary with "…" when too long. */
export function oneLine(text: string, max = WALL_COMMENT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  if (chars.length <= max) return flat;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
