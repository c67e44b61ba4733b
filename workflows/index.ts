// Every workflow the worker hosts. The bundler starts here, so only deterministic code may be
// reachable from this file.
export { completion } from './completion.ts';
export { promptExperiment } from './prompt-experiment.ts';
export { ingestDocuments } from './ingest-documents.ts';
export { memoryIndexer } from './memory-indexer.ts';
export { rag } from './rag.ts';
export { agent } from './agent.ts';
export { alert } from './alert.ts';
export { anomalyDetector } from './anomaly-detector.ts';
export { onCallRotation } from './oncall-rotation.ts';
export { evaluate } from './evaluate.ts';
export { buildDataset } from './build-dataset.ts';
