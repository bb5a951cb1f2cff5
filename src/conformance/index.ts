export { runConformance, runScenario, conformanceVideoRequest, type ConformanceOptions, type ConformanceReport, type ScenarioResult } from './run-conformance.js';
export { loadScenarios, parseScenario, defaultScenarioDir, type Scenario, type Rule, type Check, type Selector, type Matcher, type Arrangement } from './scenario.js';
export { judgeRules, evaluateCheck, type Evidence, type RuleResult, type CheckResult } from './judge-scenario.js';
export { parseOutcome, type Outcome, type OutcomeError, type ErrorKind } from './outcome.js';
export { formatReport, formatScenario } from './format-report.js';
export { formatTimeline } from './format-timeline.js';
export { junitReport } from './junit-report.js';
export { resolveAdapter, shippedAdapters, type ShippedAdapter } from './resolve-adapter.js';
export { runAdapter, type AdapterRun } from './run-adapter.js';
