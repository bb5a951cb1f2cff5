/** Reads a `text/event-stream` body until `until` matches what arrived, then stops reading. */
export async function readEvents(response: Response, until: RegExp): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!until.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    // Not awaited: the caller's abort ends the exchange (an intercepted stream's cancel may wait for it).
    reader.cancel().catch(() => undefined);
  }
  return text;
}
