// Capture-point ids, "node:iface": the one place that writes and reads them. Node and interface
// names never hold ":" (the plan refuses such names), so the first ":" separates them.

export interface Point {
  node: string;
  iface: string;
}

export function pointId(node: string, iface: string): string {
  return `${node}:${iface}`;
}

/** "node:iface" or a bare "node" (iface ""); undefined when the text holds more than one ":". */
export function parsePoint(point: string): Point | undefined {
  const [node = '', iface = '', ...rest] = point.split(':');
  return rest.length > 0 ? undefined : { node, iface };
}

export function nodeOf(point: string): string {
  const colon = point.indexOf(':');
  return colon < 0 ? point : point.slice(0, colon);
}

export function ifaceOf(point: string): string {
  const colon = point.indexOf(':');
  return colon < 0 ? '' : point.slice(colon + 1);
}
