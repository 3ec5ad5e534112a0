export { FACTS, ATTRIBUTE_PREFIX, factsOf, type FactContext, type FactInfo, type FactType, type Facts } from './facts.ts';
export { OPERATORS, type OperatorInfo } from './operators.ts';
export { parseCondition, compileCondition, MAX_CONDITION_TEXT, type CompiledCondition, type Condition } from './condition.ts';
export { MAX_DEPTH, MAX_NODES, type Expression, type Json } from './check-expression.ts';
export { compileRuleSet, evaluateRuleSet, type RuleHit, type RuleOutcome, type RuleSet } from './rule-set.ts';
