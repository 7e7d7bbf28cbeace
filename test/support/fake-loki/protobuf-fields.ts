import { BadRequest } from './loki-answer.js';

export interface ProtoField {
  field: number;
  varint?: bigint;
  bytes: Buffer;
}

/** The fields of one protobuf message (varint and length-delimited wire types only). */
export function protobufFields(raw: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = raw[at++];
      if (byte === undefined) throw new BadRequest('truncated protobuf');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };

  while (at < raw.length) {
    const tag = Number(varint());
    if ((tag & 7) === 0) {
      out.push({ field: tag >> 3, varint: varint(), bytes: Buffer.alloc(0) });
    } else if ((tag & 7) === 2) {
      const length = Number(varint());
      out.push({ field: tag >> 3, bytes: raw.subarray(at, at + length) });
      at += length;
    } else {
      throw new BadRequest(`unexpected protobuf wire type ${tag & 7}`);
    }
  }
  return out;
}
