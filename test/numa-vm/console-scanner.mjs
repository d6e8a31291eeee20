// The host side of the guest console: separates what the guest script printed from the
// exit marker guest-init.sh prints after it (see runInGuest in guest.mjs).

const MARKER_PREFIX = '@@NUMAVM-EXIT ';

// Splits the serial stream into the script's output and the exit marker. The guest
// prints "\n<marker>\n" after the script; the newline before the marker is dropped so
// the output is byte-for-byte what the script wrote. Line ends are delayed by one line
// for that reason, and a line that might become the marker is held back until complete.
export class ConsoleScanner {
  constructor(nonce, onOutput) {
    this.re = new RegExp(`^${MARKER_PREFIX}${nonce} (-?\\d+)@@$`);
    this.onOutput = onOutput;
    this.output = '';
    this.exitCode = null;
    this.line = ''; // text of the current line not yet emitted
    this.lineStarted = false; // part of the current line was already emitted
    this.heldNewline = false;
  }

  emit(s) {
    if (!s) return;
    this.output += s;
    this.onOutput?.(s);
  }

  feed(text) {
    if (!text) return;
    text = text.replaceAll('\r', '');
    if (this.exitCode !== null) return; // anything after the marker is power-off noise
    let i = 0;
    while (i < text.length) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) {
        this.line += text.slice(i);
        break;
      }
      this.line += text.slice(i, nl);
      i = nl + 1;
      if (!this.lineStarted) {
        const m = this.re.exec(this.line);
        if (m) {
          this.exitCode = Number(m[1]);
          this.heldNewline = false;
          this.line = '';
          return;
        }
      }
      this.emit((this.heldNewline ? '\n' : '') + this.line);
      this.heldNewline = true;
      this.line = '';
      this.lineStarted = false;
    }
    // Stream a partial line at once unless it could still turn out to be the marker.
    if (this.line && (this.lineStarted || !this.couldBeMarker(this.line))) {
      this.emit((this.heldNewline ? '\n' : '') + this.line);
      this.heldNewline = false;
      this.line = '';
      this.lineStarted = true;
    }
  }

  couldBeMarker(s) {
    return MARKER_PREFIX.startsWith(s) || s.startsWith(MARKER_PREFIX);
  }

  end() {
    if (this.exitCode !== null) return;
    this.emit((this.heldNewline ? '\n' : '') + this.line);
    this.heldNewline = false;
    this.line = '';
  }
}
