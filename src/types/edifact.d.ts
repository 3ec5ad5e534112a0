/**
 * The part of the `edifact` package (node-edifact, CommonJS, no types of its own) that Portcullis
 * uses: its streaming `Parser`, fed one message at a time with the delimiters of the interchange's
 * UNA service string advice and the syntax level of its UNB. These follow its README and parser.js.
 */
declare module 'edifact' {
  /** Delimiters as character codes (parser.js `configure`). */
  export interface ParserConfiguration {
    segmentTerminator?: number;
    dataElementSeparator?: number;
    componentDataSeparator?: number;
    decimalMark?: number;
    releaseCharacter?: number;
  }

  /**
   * An online UN/EDIFACT parser. Without a validator every component is read as alphanumeric
   * data: the release character is taken away, the decimal mark is kept as written.
   */
  export class Parser {
    constructor(validator?: unknown, config?: ParserConfiguration);
    configure(config: ParserConfiguration): void;
    /** The syntax level: UNOA, UNOB, UNOC, UNOY or UCS2; throws on another. */
    encoding(level: string): void;
    /** Parses a chunk; throws an Error on a character the syntax level or the delimiters do not allow. */
    write(chunk: string): void;
    /** Ends the input; throws when the last segment is incomplete. */
    end(): void;
    onopensegment: (segment: string) => void;
    onelement: () => void;
    oncomponent: (data: string) => void;
    onclosesegment: () => void;
  }

  const edifact: { Parser: typeof Parser };
  export default edifact;
}
