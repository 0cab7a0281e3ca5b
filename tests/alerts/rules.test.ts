/** The pure rules of the alerts, table-driven: which status change is mailed, backoff, who follows what. */

import { describe, expect, test } from 'vitest';
import { month as M } from '../../core/months.js';
import { findMute, follows, type Mute, resolveRecipients } from '../../server/alerts/alert-config.js';
import {
  decideStatusChange,
  goalAlertKey,
  missingAlertKey,
  nextStateMonth,
} from '../../server/alerts/changes.js';
import { digestMessageId } from '../../server/alerts/compose.js';
import { retryDelayMs } from '../../server/alerts/service.js';
import type { GoalStatus, Month } from '../../server/domain/types.js';

type Prior = { status: GoalStatus; dataMonth: Month } | undefined;

describe('decideStatusChange', () => {
  const JUNE = M('2024-06');
  const JULY = M('2024-07');
  test.each<[string, Prior, GoalStatus, Month, ReturnType<typeof decideStatusChange>]>([
    ['baseline met: silent', undefined, 'met', JUNE, { kind: null, previousStatus: null, nextStatus: 'met' }],
    [
      'baseline at risk: mailed',
      undefined,
      'at_risk',
      JUNE,
      { kind: 'worse', previousStatus: null, nextStatus: 'at_risk' },
    ],
    [
      'baseline missed: mailed',
      undefined,
      'missed',
      JUNE,
      { kind: 'worse', previousStatus: null, nextStatus: 'missed' },
    ],
    [
      'baseline no data: silent',
      undefined,
      'no_data',
      JUNE,
      { kind: null, previousStatus: null, nextStatus: 'no_data' },
    ],
    [
      'no data → missed: like a baseline',
      { status: 'no_data', dataMonth: JUNE },
      'missed',
      JULY,
      { kind: 'worse', previousStatus: null, nextStatus: 'missed' },
    ],
    [
      'met → met',
      { status: 'met', dataMonth: JUNE },
      'met',
      JULY,
      { kind: null, previousStatus: 'met', nextStatus: 'met' },
    ],
    [
      'met → at risk',
      { status: 'met', dataMonth: JUNE },
      'at_risk',
      JULY,
      { kind: 'worse', previousStatus: 'met', nextStatus: 'at_risk' },
    ],
    [
      'met → missed',
      { status: 'met', dataMonth: JUNE },
      'missed',
      JULY,
      { kind: 'worse', previousStatus: 'met', nextStatus: 'missed' },
    ],
    [
      'at risk → missed',
      { status: 'at_risk', dataMonth: JUNE },
      'missed',
      JULY,
      { kind: 'worse', previousStatus: 'at_risk', nextStatus: 'missed' },
    ],
    [
      'missed → met: recovered',
      { status: 'missed', dataMonth: JUNE },
      'met',
      JULY,
      { kind: 'recovered', previousStatus: 'missed', nextStatus: 'met' },
    ],
    [
      'at risk → met: recovered',
      { status: 'at_risk', dataMonth: JUNE },
      'met',
      JULY,
      { kind: 'recovered', previousStatus: 'at_risk', nextStatus: 'met' },
    ],
    [
      'missed → at risk: silent, stored',
      { status: 'missed', dataMonth: JUNE },
      'at_risk',
      JULY,
      { kind: null, previousStatus: 'missed', nextStatus: 'at_risk' },
    ],
    [
      'missed → no data: silent, keeps missed',
      { status: 'missed', dataMonth: JUNE },
      'no_data',
      JULY,
      { kind: null, previousStatus: 'missed', nextStatus: 'missed' },
    ],
    [
      'same month met → missed: revision',
      { status: 'met', dataMonth: JUNE },
      'missed',
      JUNE,
      { kind: 'revision', previousStatus: 'met', nextStatus: 'missed' },
    ],
    [
      'same month missed → at risk: revision',
      { status: 'missed', dataMonth: JUNE },
      'at_risk',
      JUNE,
      { kind: 'revision', previousStatus: 'missed', nextStatus: 'at_risk' },
    ],
    [
      'same month, same status',
      { status: 'missed', dataMonth: JUNE },
      'missed',
      JUNE,
      { kind: null, previousStatus: 'missed', nextStatus: 'missed' },
    ],
  ])('%s', (_name, prior, status, month, expected) => {
    expect(decideStatusChange(prior, status, month)).toEqual(expected);
  });

  test('a month without data keeps the month of the status it keeps: later first figures are no revision', () => {
    const SEPT = M('2024-09');
    const OCT = M('2024-10');
    // September announced; October's plan figures are not there yet (no_data): met and September stay.
    let prior: Prior = { status: 'met', dataMonth: SEPT };
    expect(decideStatusChange(prior, 'no_data', OCT).nextStatus).toBe('met');
    expect(nextStateMonth(prior, 'no_data', OCT)).toBe(SEPT);
    prior = { status: 'met', dataMonth: nextStateMonth(prior, 'no_data', OCT) };
    // October's figures arrive: worse than September's met, not a "correction" of October.
    expect(decideStatusChange(prior, 'missed', OCT)).toEqual({
      kind: 'worse',
      previousStatus: 'met',
      nextStatus: 'missed',
    });
    expect(nextStateMonth(prior, 'missed', OCT)).toBe(OCT);
    // Missed in September, then no data, then at risk in October: better but short, silent.
    const missed: Prior = {
      status: 'missed',
      dataMonth: nextStateMonth({ status: 'missed', dataMonth: SEPT }, 'no_data', OCT),
    };
    expect(decideStatusChange(missed, 'at_risk', OCT).kind).toBeNull();
    // A goal never known keeps the month it was evaluated in.
    expect(nextStateMonth(undefined, 'no_data', OCT)).toBe(OCT);
    expect(nextStateMonth({ status: 'no_data', dataMonth: SEPT }, 'no_data', OCT)).toBe(OCT);
  });

  test('keys', () => {
    expect(goalAlertKey('01060', 'K2-female', M('2024-06'), 'missed')).toBe('01060|K2-female|2024-06|missed');
    expect(missingAlertKey('01060', M('2024-06'))).toBe('01060|missing|2024-06');
  });
});

describe('retryDelayMs', () => {
  test.each([
    [1, 60, 1],
    [2, 60, 2],
    [3, 60, 4],
    [6, 60, 32],
    [7, 60, 60],
    [50, 60, 60],
    [3, 3, 3],
  ])('after %i failures (max %i min): %i min', (failures, max, minutes) => {
    expect(retryDelayMs(failures, max)).toBe(minutes * 60_000);
  });
});

describe('recipients and mutes', () => {
  const k2 = { regionId: '01060', goalId: 'K2-female', indicator: 'K2' };
  const k3 = { regionId: '01060', goalId: 'K3-total', indicator: 'K3' };
  const otherRegion = { regionId: '02000', goalId: 'K2-female', indicator: 'K2' };
  const missing = { regionId: '01060', goalId: null, indicator: null };

  test('filters by region and by goal id or indicator; missing data reaches everyone following the region', () => {
    const [all, onlyK2, onlyK3Total, onlyRegion] = resolveRecipients(['all@x.example'], {
      recipients: [
        { email: 'k2@x.example', goals: ['K2'] },
        { email: 'k3@x.example', goals: ['K3-total'], regions: ['01060'] },
        { email: 'r@x.example', regions: ['02000'] },
      ],
      mutes: [],
    });
    if (!all || !onlyK2 || !onlyK3Total || !onlyRegion) throw new Error('four recipients expected');
    expect([k2, k3, otherRegion, missing].map((s) => follows(all, s))).toEqual([true, true, true, true]);
    expect([k2, k3, otherRegion, missing].map((s) => follows(onlyK2, s))).toEqual([true, false, true, true]);
    expect([k2, k3, otherRegion, missing].map((s) => follows(onlyK3Total, s))).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect([k2, k3, otherRegion, missing].map((s) => follows(onlyRegion, s))).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });

  test('an address listed twice follows the union; ALERT_RECIPIENTS follows everything', () => {
    const rs = resolveRecipients(['A@x.example'], {
      recipients: [
        { email: 'a@x.example', goals: ['K2'] },
        { email: 'b@x.example', goals: ['K2-male'], regions: ['01060'] },
        { email: 'B@x.example', goals: ['K3'], name: 'Frau B' },
      ],
      mutes: [],
    });
    expect(rs.map((r) => [r.email, r.name, r.regions && [...r.regions], r.goals && [...r.goals]])).toEqual([
      ['A@x.example', null, null, null],
      ['b@x.example', 'Frau B', null, ['K2-male', 'K3']],
    ]);
  });

  test('mutes match goal, indicator or "missing", a region or all, until the day inclusive', () => {
    const mutes: Mute[] = [
      { goal: 'K2', regionId: '02000', until: '2024-12-31', reason: null },
      { goal: 'K3-total', regionId: null, until: '2024-11-30', reason: 'x' },
      { goal: 'missing', regionId: '01060', until: '2024-11-30', reason: null },
    ];
    expect(findMute(mutes, k2, '2024-11-01')).toBeNull();
    expect(findMute(mutes, otherRegion, '2024-11-01')?.goal).toBe('K2');
    expect(findMute(mutes, k3, '2024-11-30')?.goal).toBe('K3-total');
    expect(findMute(mutes, k3, '2024-12-01')).toBeNull();
    expect(findMute(mutes, missing, '2024-11-30')?.goal).toBe('missing');
  });

  test('the Message-ID depends on the keys (not their order) and the recipient', () => {
    const a = digestMessageId(['k1', 'k2'], 'gf@x.example');
    expect(a).toMatch(/^<[0-9a-f]{40}@zielmonitor>$/);
    expect(digestMessageId(['k2', 'k1'], 'GF@x.example')).toBe(a);
    expect(digestMessageId(['k1'], 'gf@x.example')).not.toBe(a);
    expect(digestMessageId(['k1', 'k2'], 'other@x.example')).not.toBe(a);
  });
});
