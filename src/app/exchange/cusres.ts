import type { Lane } from '../../domain/rule.ts';
import { dtm204, segment, syntaxLevelOf, unbDateTime } from './edifact-writer.ts';

/**
 * Decisions as UN/EDIFACT CUSRES (customs response, D.96B) messages, one per declaration, in one
 * interchange. What a message says is the lane and when it was decided — never the score, the
 * reasons or the rules (a trader reads these messages):
 *
 *   UNH+n+CUSRES:D:96B:UN
 *   BGM++<declaration id>+9             the declaration the response is about (original)
 *   DTM+137:<now>:204                   when the response was written
 *   DTM+9:<decided at>:204              the decision's time (processing date/time)
 *   FTX+AAI+++<status in words>
 *   LOC+22+<customs office>
 *   GIS+REL::ZZZ | DOC::ZZZ | INS::ZZZ  green: released; yellow: documentary check; red: physical inspection
 *   EQD+CN+<container>                  each declared container
 *   RFF+ABT:<declaration id>::<revision> and RFF+BM:<transport document>
 *   UNT+<segments>+n
 */

export interface DeclarationStatus {
  readonly declarationId: string;
  readonly lane: Lane;
  /** released, documentary check, physical inspection. */
  readonly status: string;
  readonly decidedAt: string;
  readonly revision: number;
  readonly office: string;
  readonly transportDocument?: string | undefined;
  readonly containers: readonly string[];
}

export const LANE_STATUS: Readonly<Record<Lane, { readonly code: string; readonly status: string }>> = {
  green: { code: 'REL', status: 'released' },
  yellow: { code: 'DOC', status: 'documentary check' },
  red: { code: 'INS', status: 'physical inspection' },
};

/** The GIS code (C529:7365) of a status message, back to its lane. */
export const LANE_OF_CODE: Readonly<Record<string, Lane>> = { REL: 'green', DOC: 'yellow', INS: 'red' };

export interface InterchangeHeader {
  readonly sender: string;
  readonly recipient: string;
  /** ISO time the interchange is written. */
  readonly preparedAt: string;
  /** UNB 0020, up to 14 characters. */
  readonly controlReference: string;
}

export function cusresMessage(s: DeclarationStatus, reference: string, preparedAt: string): string[] {
  const segs = [
    segment('UNH', reference, ['CUSRES', 'D', '96B', 'UN']),
    segment('BGM', '', s.declarationId, '9'),
    segment('DTM', ['137', dtm204(preparedAt), '204']),
    segment('DTM', ['9', dtm204(s.decidedAt), '204']),
    segment('FTX', 'AAI', '', '', [LANE_STATUS[s.lane].status]),
    segment('LOC', '22', s.office),
    segment('GIS', [LANE_STATUS[s.lane].code, '', 'ZZZ']),
    ...s.containers.map((c) => segment('EQD', 'CN', c)),
    segment('RFF', ['ABT', s.declarationId, '', String(s.revision)]),
    ...(s.transportDocument === undefined ? [] : [segment('RFF', ['BM', s.transportDocument])]),
  ];
  return [...segs, segment('UNT', String(segs.length + 1), reference)];
}

/** The interchange: UNA, UNB, one CUSRES per status, UNZ; one segment a line. */
export function writeCusres(statuses: readonly DeclarationStatus[], h: InterchangeHeader): string {
  const messages = statuses.flatMap((s, i) => cusresMessage(s, String(i + 1), h.preparedAt));
  const body = [...messages, segment('UNZ', String(statuses.length), h.controlReference)];
  const level = syntaxLevelOf([h.sender, h.recipient, ...body].join(''));
  return `${["UNA:+.? '", segment('UNB', [level, '3'], h.sender, h.recipient, unbDateTime(h.preparedAt), h.controlReference), ...body].join('\n')}\n`;
}
