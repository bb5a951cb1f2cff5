const mask = '[redacted]';

/**
 * Masks `secret` wherever an error carries text: its message, its stack, and its cause's. A server
 * that echoes the key, or a body quoted in a message, must not leak it into logs.
 */
export function redactSecret<T>(error: T, secret: string): T {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.message.includes(secret)) e.message = e.message.split(secret).join(mask);
    if (e.stack?.includes(secret)) e.stack = e.stack.split(secret).join(mask);
  }
  return error;
}
