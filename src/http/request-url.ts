/** The request target as a URL; a target that does not parse is read as `/` (then a 404). */
export function parseRequestUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', 'http://gatehouse.invalid');
  } catch {
    return new URL('http://gatehouse.invalid/');
  }
}
