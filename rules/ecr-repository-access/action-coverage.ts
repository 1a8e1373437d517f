/**
 * Which statements cover which repository actions, read once per policy. Pure.
 *
 * IAM matches actions case-insensitively with `*` and `?` wildcards; `NotAction` covers what it
 * does not list. Actions that every statement simulated covers alike are answered by one
 * simulation (policy-risk.ts), and a class of actions that no Allow statement covers is the
 * implicit deny: nothing to simulate.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 */

import { listOf, wildcard } from './policy-values.js';

const actionPattern = (pattern: string) => wildcard(pattern, 'i');

export interface ActionCoverage {
  /** Whether an Allow statement among `indices` covers the action. */
  allows(indices: readonly number[], action: string): boolean;
  /** `actions` in groups that the statements `indices` cover alike. */
  groups(indices: readonly number[], actions: readonly string[]): string[][];
}

/** The coverage of `actions` (every action asked about later) by the statements. */
export function actionCoverage(statements: readonly unknown[], actions: readonly string[]): ActionCoverage {
  const column = new Map(actions.map((action, index) => [action, index]));
  const allow = statements.map((statement) => (statement as { Effect?: unknown } | null)?.Effect === 'Allow');
  // One row per statement: '1' where it covers the action of that column. Statements with the
  // same Action / NotAction share their row.
  const byElement = new Map<string, string>();
  const rows = statements.map((statement) => {
    const { Action: action, NotAction: notAction } = (statement ?? {}) as { Action?: unknown; NotAction?: unknown };
    const element = JSON.stringify([action, notAction]);
    let row = byElement.get(element);
    if (row === undefined) {
      const listed = action === undefined ? undefined : listOf(action).map((item) => actionPattern(String(item)));
      const notListed = notAction === undefined ? undefined : listOf(notAction).map((item) => actionPattern(String(item)));
      row = actions.map((name) => ((listed ? listed.some((re) => re.test(name)) : notListed ? !notListed.some((re) => re.test(name)) : true) ? '1' : '0')).join('');
      byElement.set(element, row);
    }
    return row;
  });
  const covers = (index: number, action: string) => rows[index]![column.get(action)!] === '1';
  // Statements with the same rows group actions alike: many probes share one grouping.
  const memo = new Map<readonly string[], Map<string, string[][]>>();
  return {
    allows: (indices, action) => indices.some((index) => allow[index] && covers(index, action)),
    groups: (indices, subset) => {
      const memoKey = indices.map((index) => rows[index]).join('|');
      const bySubset = memo.get(subset) ?? new Map<string, string[][]>();
      memo.set(subset, bySubset);
      let grouped = bySubset.get(memoKey);
      if (!grouped) {
        const byKey = new Map<string, string[]>();
        for (const action of subset) {
          const key = indices.map((index) => rows[index]![column.get(action)!]).join('');
          const members = byKey.get(key);
          if (members) members.push(action);
          else byKey.set(key, [action]);
        }
        bySubset.set(memoKey, (grouped = [...byKey.values()]));
      }
      return grouped;
    },
  };
}
