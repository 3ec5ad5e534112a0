/**
 * An incremental RFC 4180 CSV parser that survives bad input. Text goes in chunk by chunk; records
 * come out with the line they start on. Quoted fields may hold delimiters, doubled quotes and line
 * breaks; a quote inside an unquoted field is kept as text (as spreadsheets do).
 *
 * Recovery: a record that cannot be read — text after a closing quote, a quote never closed, a
 * quoted field that swallowed several lines and so gives the wrong number of fields — is reported
 * as one broken record for the line it started on, and parsing resumes on the next line. One bad
 * line therefore never takes the rest of the file with it.
 *
 * Rows without a quote (nearly all of them) take a fast path: one `indexOf` for the line end and a
 * native `split`.
 */
export interface CsvRecord {
  readonly cells: string[];
  /** 1-based line of the file where the record starts. */
  readonly line: number;
  /** Why the record could not be read; its cells are then the raw line split on the delimiter. */
  readonly error?: string;
}

export interface CsvParserOptions {
  readonly delimiter: string;
  readonly quote: string;
  /** A pending record longer than this is given up as broken (a quote never closed). */
  readonly maxRecordChars?: number;
}

type Emit = (r: CsvRecord) => void;

export class CsvParser {
  private buf = '';
  private line = 1;
  private started = false;
  /** When set, a multi-line record with another number of fields is treated as a runaway quote. */
  expectedFields: number | undefined;
  private readonly d: string;
  private readonly q: string;
  private readonly max: number;

  constructor(opts: CsvParserOptions) {
    this.d = opts.delimiter;
    this.q = opts.quote;
    this.max = opts.maxRecordChars ?? 1 << 20;
  }

  push(text: string, emit: Emit): void {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    this.drain(emit, false);
  }

  end(emit: Emit): void {
    this.drain(emit, true);
    this.buf = '';
  }

  private drain(emit: Emit, final: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    let p = 0;
    // Where the next quote is, found once for every line before it (-1: none in the buffer).
    let quoteAt = -2;
    const lineText = (lineEnd: number): string => {
      const text = buf.slice(p, lineEnd);
      return text.endsWith('\r') ? text.slice(0, -1) : text;
    };
    while (p < len) {
      const nl = buf.indexOf('\n', p);
      if (nl < 0 && !final) break;
      const lineEnd = nl < 0 ? len : nl;
      const next = nl < 0 ? len : nl + 1;
      if (quoteAt !== -1 && quoteAt < p) quoteAt = buf.indexOf(this.q, p);
      if (quoteAt === -1 || quoteAt >= lineEnd) {
        const text = lineText(lineEnd);
        if (text.length > 0) emit({ cells: text.split(this.d), line: this.line });
        this.line += 1;
        p = next;
        continue;
      }
      const r = this.quoted(buf, p, final);
      if (r === null) break; // record not complete yet: wait for more text
      if (r.error === undefined && r.lines > 1 && this.expectedFields !== undefined && r.cells.length !== this.expectedFields) {
        r.error = `a quoted field runs over ${r.lines} lines and leaves ${r.cells.length} fields (a quote never closed?)`;
      }
      if (r.error !== undefined) {
        emit({ cells: lineText(lineEnd).split(this.d), line: this.line, error: r.error });
        this.line += 1;
        p = next;
      } else {
        emit({ cells: r.cells, line: this.line });
        this.line += r.lines;
        p = r.end;
      }
    }
    this.buf = p >= len ? '' : buf.slice(p);
    if (!final && this.buf.length > this.max) {
      // A quote opened and not closed within the limit: give up on the record's first line.
      const nl = this.buf.indexOf('\n');
      let text = this.buf.slice(0, nl < 0 ? this.buf.length : nl);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      emit({ cells: text.split(this.d), line: this.line, error: `a quoted field runs past ${this.max} characters (a quote never closed?)` });
      this.line += 1;
      this.buf = nl < 0 ? '' : this.buf.slice(nl + 1);
      this.drain(emit, final);
    }
  }

  /** Reads one record with quotes from p; null when the text ends before the record does. */
  private quoted(buf: string, p: number, final: boolean): { cells: string[]; end: number; lines: number; error?: string } | null {
    const { d, q } = this;
    const len = buf.length;
    const cells: string[] = [];
    let lines = 1;
    // The end of the line that p is on, found again once a quoted field has taken p past it.
    let lineEnd = -1;
    for (;;) {
      if (buf.startsWith(q, p)) {
        let value = '';
        let from = p + 1;
        for (;;) {
          const at = buf.indexOf(q, from);
          if (at < 0) {
            if (!final) return null;
            return { cells, end: len, lines, error: 'a quote is opened and never closed' };
          }
          if (buf.startsWith(q, at + 1)) {
            value += buf.slice(from, at + 1);
            from = at + 2;
            continue;
          }
          value += buf.slice(from, at);
          p = at + 1;
          break;
        }
        for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) lines++;
        cells.push(value);
        if (p >= len) {
          if (!final) return null;
          return { cells, end: len, lines };
        }
        const c = buf[p];
        if (c === d) {
          p += 1;
          continue;
        }
        if (c === '\n') return { cells, end: p + 1, lines };
        if (c === '\r' && (buf[p + 1] === '\n' || p + 1 >= len)) {
          if (p + 1 >= len && !final) return null;
          return { cells, end: p + 2, lines };
        }
        return { cells, end: p, lines, error: `text after the closing quote of field ${cells.length}` };
      }
      // An unquoted field: up to the next delimiter or line end.
      if (lineEnd < p) {
        lineEnd = buf.indexOf('\n', p);
        if (lineEnd < 0) lineEnd = len;
      }
      let stop = buf.indexOf(d, p);
      if (stop < 0 || stop > lineEnd) stop = lineEnd;
      if (stop >= len && !final) return null;
      let value = buf.slice(p, stop);
      if (buf[stop] === '\n' && value.endsWith('\r')) value = value.slice(0, -1);
      cells.push(value);
      if (stop >= len) return { cells, end: len, lines };
      if (buf[stop] === '\n') return { cells, end: stop + 1, lines };
      p = stop + 1;
    }
  }
}
