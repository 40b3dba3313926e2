interface Base64Decoder {
  fromBase64?: (text: string) => Uint8Array;
}

/** Bytes of a base64 string (the protocol's heatmap cells). */
export function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as Base64Decoder).fromBase64;
  if (native) return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A little-endian Uint16Array sent as base64 (every browser VS Code runs in is little-endian). */
export function decodeUint16(text: string): Uint16Array {
  const bytes = decodeBase64(text);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}
