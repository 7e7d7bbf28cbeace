/**
 * The fake Loki for tests (the server is in fake-loki/fake-loki.ts): one import for the server,
 * its stream and request types, and the LogQL helpers tests use to compute ideal answers.
 */
export { FakeLoki, type Evaluation } from './fake-loki/fake-loki.js';
export {
  labelsString,
  type FakeEntry,
  type FakeStream,
  type Labels,
} from './fake-loki/fake-stream.js';
export type { LokiAnswer } from './fake-loki/loki-answer.js';
export type { LokiRequest } from './fake-loki/loki-request.js';
export { tokenize, unquote, type Token } from './fake-loki/logql-tokens.js';
export {
  fakeSelector,
  matches,
  matchesAll,
  streamSelectorsIn,
  type FakeMatcher,
} from './fake-loki/stream-selector.js';
