/** Size bounds for a push body; the same names as the `limits` section of the configuration. */
export interface LokiPushLimits {
  /** The body as received, before any decompression. */
  maxBodyBytes: number;
  /** The body once Content-Encoding and, for protobuf, snappy are undone. */
  maxDecodedBodyBytes: number;
}
