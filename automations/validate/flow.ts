/** Control flow: the step graph as SSM follows it, reachability, and what has succeeded before each step. */
import { closest } from '../sdk-model.js';
import { flag } from '../document.js';
import { isObject, stepProblem, type Context } from './context.js';

interface Edge {
  to: string;
  /** True when the edge is taken after the step succeeded (its outputs exist). */
  success: boolean;
}

/** The edges out of each step, as SSM follows them. Also reports edges to missing steps. */
function flowGraph(ctx: Context, report: boolean): Map<string, Edge[]> {
  const names = new Set(ctx.steps.map((s) => s.name));
  const graph = new Map<string, Edge[]>();
  ctx.steps.forEach((step, index) => {
    const edges: Edge[] = [];
    const following = ctx.steps[index + 1]?.name;
    const target = (to: unknown, field: string, success: boolean): void => {
      if (typeof to !== 'string') return;
      if (!names.has(to)) {
        if (report) {
          const hint = closest(to, [...names]);
          stepProblem(ctx, step.name, field, `names step '${to}', which does not exist (expected one of ${[...names].join(', ')}${hint ? `; did you mean '${hint}'?` : ''})`);
        }
        return;
      }
      edges.push({ to, success });
    };
    const ends = flag(step.isEnd, false);
    if (step.action === 'aws:branch') {
      const choices = Array.isArray(step.inputs?.['Choices']) ? (step.inputs['Choices'] as unknown[]) : [];
      choices.forEach((choice, i) => isObject(choice) && target(choice['NextStep'], `inputs.Choices[${i}].NextStep`, true));
      if (step.inputs?.['Default'] !== undefined) target(step.inputs['Default'], 'inputs.Default', true);
      else if (!ends && following) edges.push({ to: following, success: true });
    } else if (step.nextStep !== undefined) {
      target(step.nextStep, 'nextStep', true);
    } else if (!ends && following) {
      edges.push({ to: following, success: true });
    }
    for (const [field, value] of [['onFailure', step.onFailure], ['onCancel', step.onCancel]] as const) {
      if (typeof value !== 'string') continue;
      if (value.startsWith('step:')) target(value.slice('step:'.length), field, false);
      else if (field === 'onFailure' && value === 'Continue' && following && !ends) edges.push({ to: following, success: false });
    }
    graph.set(step.name, edges);
  });
  return graph;
}

/** Every step is reachable from the first; edges name existing steps. */
export function checkFlow(ctx: Context): void {
  const graph = flowGraph(ctx, true);
  const first = ctx.steps[0]?.name;
  if (!first) return;
  const reached = new Set([first]);
  const queue = [first];
  while (queue.length) {
    for (const edge of graph.get(queue.shift()!) ?? []) {
      if (!reached.has(edge.to)) {
        reached.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  for (const step of ctx.steps) {
    if (!reached.has(step.name)) {
      stepProblem(ctx, step.name, 'name', 'is unreachable: no nextStep, branch choice, onFailure or preceding step leads to it (expected every step to be reachable from the first)');
    }
  }
}

/**
 * Steps guaranteed to have succeeded before each step runs, on every path from the first step
 * (a forward must-analysis: intersection over incoming edges).
 */
export function succeededBefore(ctx: Context): Map<string, Set<string>> {
  const graph = flowGraph(ctx, false);
  const all = new Set(ctx.steps.map((s) => s.name));
  const before = new Map<string, Set<string>>();
  for (const s of ctx.steps) before.set(s.name, new Set(all));
  const first = ctx.steps[0]?.name;
  if (first) before.set(first, new Set());
  let changed = true;
  while (changed) {
    changed = false;
    for (const step of ctx.steps) {
      if (step.name === first) continue;
      const incoming: Set<string>[] = [];
      for (const [from, edges] of graph) {
        for (const edge of edges) {
          if (edge.to !== step.name) continue;
          const available = new Set(before.get(from));
          if (edge.success) available.add(from);
          incoming.push(available);
        }
      }
      const next = incoming.length
        ? new Set([...incoming[0]!].filter((n) => incoming.every((set) => set.has(n))))
        : new Set(all);
      const current = before.get(step.name)!;
      if (next.size !== current.size || [...next].some((n) => !current.has(n))) {
        before.set(step.name, next);
        changed = true;
      }
    }
  }
  return before;
}
