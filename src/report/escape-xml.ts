// Text made safe inside XML, SVG and HTML, as element text or as an attribute value in either quote.

/** XML 1.0 allows tab, newline and carriage return, and no other control character. */
function allowedInXml(char: string): boolean {
  const code = char.charCodeAt(0);
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // &apos; is not HTML 4; the numeric reference means the same in XML and every HTML.
  "'": '&#39;',
};

export function escapeXml(text: string): string {
  return [...text]
    .filter(allowedInXml)
    .join('')
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
