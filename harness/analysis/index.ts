/**
 * The leak finder and classifier: diff a sequence of heap snapshots of one process into findings
 * (accumulation points with retainer paths, growth figures and a pattern label) and a verdict.
 */
export { analyzeSnapshots } from './analyze-snapshots.js';
export { analyzeGraphs, DEFAULT_THRESHOLDS, formatBytes, growsAtSteps } from './analyze-graphs.js';
export { classifyPattern, explain } from './classify-pattern.js';
export { MECHANISMS, classifyMechanism, mechanismById } from './mechanisms/index.js';
export type {
  AnalysisProgress, AnalysisResult, AnalysisThresholds, AnalysisVerdict, AnalyzeOptions, DismissedHolder, SnapshotSummary,
} from './types.js';
