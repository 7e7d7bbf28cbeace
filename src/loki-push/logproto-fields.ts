/**
 * Field numbers of Loki's push protocol (`pkg/push/push.proto`, package logproto, in the Loki
 * repository) and of `google.protobuf.Timestamp`. PushRequest.format (2) and EntryAdapter.parsed
 * (4) are newer fields Loki sets for itself; both are kept as they came, like any unknown field.
 */
export const pushRequestField = { streams: 1 } as const;

export const streamField = { labels: 1, entries: 2, hash: 3 } as const;

export const entryField = { timestamp: 1, line: 2, structuredMetadata: 3 } as const;

export const labelPairField = { name: 1, value: 2 } as const;

export const timestampField = { seconds: 1, nanos: 2 } as const;
