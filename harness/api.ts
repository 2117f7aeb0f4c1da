/**
 * The run API of the `leakbench` package (`import { runScenario } from 'leakbench'`): measure a
 * server from code, with the same loop as `leakbench run`. The heap engine is `leakbench/heap`,
 * the leak finder `leakbench/analysis`.
 *
 * ```ts
 * import { commandTarget, readWorkloadFile, runScenario, DEFAULT_LOAD } from 'leakbench';
 * const workload = { spec: await readWorkloadFile('w.json'), kind: 'file', from: 'w.json' } as const;
 * const { report } = await runScenario({
 *   scenario: 'my-api',
 *   targets: [commandTarget({ command: 'node server.js' })],
 *   load: { ...DEFAULT_LOAD, keys: { kind: 'unique' }, workload },
 *   reportsDir: 'reports',
 *   secret: 'unused-without-lk-keys',
 * });
 * console.log(report.runs[0]?.verdict);
 * ```
 */
export { runScenario, type RunHooks, type ScenarioPlan, type ScenarioResult } from './orchestrator/run-scenario.js';
export { runVariant, type LoadPlan, type ProbePlan, type VariantContext, type VariantTarget } from './orchestrator/run-variant.js';
export { attachTarget, commandTarget, type AttachTargetOptions, type CommandTargetOptions } from './orchestrator/custom-targets.js';
export { DEFAULT_LOAD, getScenario, listScenarios, type Scenario, type ScenarioLoad } from './catalog.js';
export { compileWorkload, parseWorkload, type CompiledWorkload, type WorkloadPlan, type WorkloadRequestSpec, type WorkloadSpec } from './load/workload.js';
export { findConfigFile, readWorkloadFile } from './load/read-workload.js';
export { openApiWorkload, type OpenApiWorkloadOptions } from './load/openapi-workload.js';
export type { LoadRequest, RequestSource } from './load/request-source.js';
export { ERROR_CODES, isLeakbenchError, LeakbenchError, type ErrorCode } from './errors.js';
export type * from './types.js';
