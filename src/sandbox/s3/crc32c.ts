/** CRC-32C (Castagnoli), the checksum S3 accepts as x-amz-checksum-crc32c; node:zlib only has CRC-32. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues `previous` (0 to start) over `data`, like zlib.crc32's second argument. */
export function crc32c(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ (data[i] as number)) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
