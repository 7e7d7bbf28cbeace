/**
 * Prometheus remote write 1.0 `WriteRequest` codec: validation, tenant-label forcing and a test
 * encoder. Each lives in its own file; this module is the one place callers import them from.
 */
export { inspectWriteRequest, type WriteRequestSummary } from './inspect-write-request.js';
export { forceLabel } from './force-label.js';
export {
  encodeWriteRequest,
  type TestExemplar,
  type TestHistogram,
  type TestMetadata,
  type TestSample,
  type TestSeries,
} from './encode-write-request.js';
