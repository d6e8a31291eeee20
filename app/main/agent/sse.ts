/**
 * A reader of server-sent events as serve mode writes them (events-stream.ts): lines of
 * `event: NAME` and `data: TEXT`, an empty line ending each event, `:` lines as comments.
 * Chunks may split anywhere, inside a line or a UTF-8 character.
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseMessage {
  event: string;
  data: string;
}

export class SseReader {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private event = '';
  private data: string[] = [];

  /** Feeds a chunk; returns the events it completed. */
  push(chunk: Buffer | string): SseMessage[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const done: SseMessage[] = [];
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, newline).replace(/\r$/, '');
      this.pending = this.pending.slice(newline + 1);
      if (line === '') {
        if (this.data.length > 0) done.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return done;
  }
}
