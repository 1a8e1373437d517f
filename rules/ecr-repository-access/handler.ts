import { createConfigRuleHandler } from '../kernel/handler.js';
import { rule } from './rule.js';

export const handler = createConfigRuleHandler(rule);
