// Cuts a byte stream into lines (NDJSON requests) without ever rescanning what it holds: each
// chunk is searched once for newlines, and the bytes of an unfinished line are kept as they
// came, joined only when its newline arrives. A line longer than the limit is refused as soon
// as it passes it, so a client cannot make supd buffer more than `maxLineBytes` per connection.
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** The lines this chunk completes (without their newline), or null once a line is over the limit. */
  push(chunk: Buffer): string[] | null {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      const tail = chunk.subarray(start, newline);
      if (this.heldBytes + tail.length > this.maxLineBytes) return null;
      lines.push(this.heldBytes === 0 ? tail.toString('utf8') : Buffer.concat([...this.held, tail]).toString('utf8'));
      this.held = [];
      this.heldBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      if (this.heldBytes + chunk.length - start > this.maxLineBytes) return null;
      // A copy: a slice would keep the whole chunk alive for a few bytes.
      this.held.push(Buffer.from(chunk.subarray(start)));
      this.heldBytes += chunk.length - start;
    }
    return lines;
  }
}
