/** Parameter rules: a description, an allowedPattern for strings, defaults that satisfy both. */
import type { ParameterDefinition } from '../document.js';
import { isObject, type Context } from './context.js';

/** Every parameter is described; String and StringList ones have a valid pattern their default matches. */
export function checkParameters(ctx: Context): void {
  for (const [name, def] of Object.entries(ctx.doc.parameters ?? {})) {
    if (!isObject(def)) continue;
    const p = (field: string, message: string): void => {
      ctx.problems.push({ file: ctx.file, where: { parameter: name }, field, message });
    };
    if (typeof def.description !== 'string' || !def.description.trim()) {
      p('description', 'missing (expected a sentence saying what the parameter is)');
    }
    if (def.type === 'String' || def.type === 'StringList') {
      if (typeof def.allowedPattern !== 'string') {
        p('allowedPattern', `missing (expected a regular expression every ${def.type} parameter value must match)`);
      }
      const pattern = compilePattern(def, p);
      if (pattern && def.default !== undefined) checkDefault(def, pattern, p);
    }
  }
}

function compilePattern(def: ParameterDefinition, p: (field: string, message: string) => void): RegExp | undefined {
  if (typeof def.allowedPattern !== 'string') return undefined;
  try {
    return new RegExp(def.allowedPattern);
  } catch (error) {
    p('allowedPattern', `is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function checkDefault(def: ParameterDefinition, pattern: RegExp, p: (field: string, message: string) => void): void {
  const values = Array.isArray(def.default) ? def.default : [def.default];
  for (const value of values) {
    if (typeof value === 'string' && !pattern.test(value) && !(value === '' && def.type === 'String' && pattern.test(''))) {
      p('default', `'${value}' does not match allowedPattern ${def.allowedPattern}`);
    }
  }
  if (def.allowedValues && def.type === 'String' && !def.allowedValues.includes(def.default)) {
    p('default', `'${String(def.default)}' is not one of allowedValues (expected one of ${def.allowedValues.join(', ')})`);
  }
}
