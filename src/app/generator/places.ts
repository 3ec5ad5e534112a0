/**
 * The places of the generated world: exporting countries (ISO 3166-1 alpha-2) with their seaports
 * and airports (UN/LOCODE), what they tend to export and the tariff treatment of their goods; and the
 * customs offices of the importing territory, an EU-like customs union, each at a port of discharge.
 * Office reference numbers have the shape of EU customs office numbers but are illustrative.
 */

/** How goods travel; express is air freight handled by a courier. */
export type TransportMode = 'sea' | 'rail' | 'road' | 'air' | 'express' | 'post';

/** UN/ECE Recommendation 19 codes: 1 sea, 2 rail, 3 road, 4 air, 5 post. */
export const MODE_CODE: Readonly<Record<TransportMode, number>> = { sea: 1, rail: 2, road: 3, air: 4, express: 4, post: 5 };

/** Tariff treatment of a country's goods: full third-country duty, reduced (GSP) or duty-free (FTA, EBA, GSP+). */
export type TariffRegime = 'mfn' | 'gsp' | 'free';
export type Bloc = 'asia' | 'europe' | 'americas' | 'mea' | 'oceania';

export interface Country {
  readonly index: number;
  readonly code: string;
  readonly bloc: Bloc;
  readonly regime: TariffRegime;
  /** Relative number of sellers established there. */
  readonly tradeWeight: number;
  /** HS chapters it tends to export. */
  readonly chapters: readonly number[];
  readonly seaPorts: readonly string[];
  readonly airports: readonly string[];
  /** Share of its consignments that come by road (neighbours of the union). */
  readonly roadShare: number;
}

type Row = readonly [code: string, bloc: Bloc, regime: TariffRegime, weight: number, chapters: string, seaPorts: string, airports: string, roadShare?: number];

const ROWS: readonly Row[] = [
  ['CN', 'asia', 'mfn', 28, '39 40 42 61 62 63 64 69 71 72 73 76 84 85 87 90 91 94 95 96 03 16', 'CNSHA CNNGB CNSZX CNTAO CNXMN CNTXG', 'CNSHA CNCAN CNSZX'],
  ['HK', 'asia', 'mfn', 1.5, '42 61 62 71 85 91 95', 'HKHKG', 'HKHKG'],
  ['TW', 'asia', 'mfn', 2, '39 40 72 73 76 84 85 87 90', 'TWKHH TWTXG', 'TWTPE'],
  ['KR', 'asia', 'free', 3, '39 40 72 84 85 87', 'KRPUS KRINC', 'KRSEL'],
  ['JP', 'asia', 'free', 3, '40 84 85 87 90 91', 'JPTYO JPYOK JPUKB JPNGO', 'JPTYO JPOSA'],
  ['VN', 'asia', 'free', 5, '03 09 10 16 42 61 62 63 64 85 87 94', 'VNSGN VNHPH', 'VNSGN VNHAN'],
  ['TH', 'asia', 'mfn', 2, '10 16 17 39 40 84 85 87', 'THLCH THBKK', 'THBKK'],
  ['MY', 'asia', 'mfn', 2, '15 39 40 73 85 94', 'MYPKG MYTPP MYPEN', 'MYKUL'],
  ['SG', 'asia', 'free', 1, '30 33 84 85 90', 'SGSIN', 'SGSIN'],
  ['ID', 'asia', 'gsp', 2, '15 18 40 44 61 62 64 94', 'IDJKT IDSUB', 'IDJKT'],
  ['PH', 'asia', 'free', 0.6, '08 15 16 85', 'PHMNL', 'PHMNL'],
  ['IN', 'asia', 'gsp', 5, '03 09 10 17 30 42 52 61 62 63 64 71 72 73 87', 'INNSA INMUN INMAA', 'INDEL INBOM INMAA'],
  ['BD', 'asia', 'free', 3, '61 62 63 64', 'BDCGP', 'BDDAC'],
  ['PK', 'asia', 'free', 1.5, '10 42 52 61 62 63', 'PKKHI', 'PKKHI PKLHE'],
  ['LK', 'asia', 'free', 0.8, '09 16 40 61 62', 'LKCMB', 'LKCMB'],
  ['KH', 'asia', 'free', 1, '10 42 61 62 64 87', 'KHKOS', 'KHPNH'],
  ['TR', 'mea', 'free', 5, '08 24 40 52 61 62 63 69 72 73 76 84 85 87', 'TRMER TRIST', 'TRIST', 0.55],
  ['AE', 'mea', 'mfn', 1, '24 71 76 85', 'AEJEA', 'AEDXB'],
  ['SA', 'mea', 'mfn', 0.6, '39 76', 'SAJED SADMM', 'SARUH'],
  ['IL', 'mea', 'free', 0.6, '08 30 71 85 90', 'ILHFA ILASH', 'ILTLV'],
  ['EG', 'mea', 'free', 0.7, '08 52 61 62 63 69', 'EGPSD EGALY', 'EGCAI'],
  ['MA', 'mea', 'free', 1, '03 08 62 87', 'MAPTM MACAS', 'MACAS', 0.15],
  ['ZA', 'mea', 'free', 1, '08 22 71 72 87', 'ZADUR ZACPT', 'ZAJNB'],
  ['KE', 'mea', 'free', 0.5, '08 09', 'KEMBA', 'KENBO'],
  ['NG', 'mea', 'gsp', 0.4, '18', 'NGAPP', 'NGLOS'],
  ['CI', 'mea', 'free', 0.5, '08 18', 'CIABJ', 'CIABJ'],
  ['US', 'americas', 'mfn', 7, '02 03 22 30 33 44 52 84 85 87 90', 'USNYC USSAV USHOU USLAX', 'USNYC USCHI USMIA USLAX'],
  ['CA', 'americas', 'free', 1, '03 30 44 84 87', 'CAMTR CAHAL CAVAN', 'CATOR CAMTR'],
  ['MX', 'americas', 'free', 1, '08 22 84 85 87', 'MXVER MXZLO', 'MXMEX'],
  ['BR', 'americas', 'mfn', 2, '02 09 17 44 52 64 87', 'BRSSZ BRPNG', 'BRSAO'],
  ['AR', 'americas', 'mfn', 0.6, '02 03 22', 'ARBUE', 'ARBUE'],
  ['CL', 'americas', 'free', 0.6, '03 08 22 44', 'CLSAI CLVAP', 'CLSCL'],
  ['PE', 'americas', 'free', 0.5, '03 08 09', 'PECLL', 'PELIM'],
  ['CO', 'americas', 'free', 0.6, '08 09', 'COCTG COBUN', 'COBOG'],
  ['EC', 'americas', 'free', 0.6, '03 08 16 18', 'ECGYE', 'ECUIO'],
  ['GB', 'europe', 'free', 4, '22 24 30 33 84 87 90', 'GBFXT GBSOU GBLGP', 'GBLON', 0.6],
  ['CH', 'europe', 'free', 2, '30 33 71 84 90 91', '', 'CHZRH CHGVA', 0.85],
  ['NO', 'europe', 'free', 1.5, '03', 'NOOSL', 'NOOSL', 0.5],
  ['UA', 'europe', 'free', 1, '10 15 44 72', 'UAODS', 'UAIEV', 0.7],
  ['RS', 'europe', 'free', 1, '40 84 87', '', 'RSBEG', 0.85],
  ['AU', 'oceania', 'mfn', 0.7, '02 22 52', 'AUSYD AUMEL', 'AUSYD AUMEL'],
  ['NZ', 'oceania', 'free', 0.4, '02 08 22', 'NZAKL NZTRG', 'NZAKL'],
];

const words = (s: string): string[] => s.split(' ').filter((w) => w !== '');

export const COUNTRIES: readonly Country[] = ROWS.map(([code, bloc, regime, tradeWeight, chapters, sea, air, roadShare = 0], index) => ({
  index,
  code,
  bloc,
  regime,
  tradeWeight,
  chapters: words(chapters).map(Number),
  seaPorts: words(sea),
  airports: words(air),
  roadShare,
}));

export const COUNTRY: ReadonlyMap<string, Country> = new Map(COUNTRIES.map((c) => [c.code, c]));

/** Where honest traders transship or re-export from, and fraudsters route goods through. */
export const HUB_CODES: readonly string[] = ['SG', 'HK', 'AE', 'MY'];

/** Member states of the importing union where importers and brokers are established, with weights. */
export const UNION_COUNTRIES: readonly (readonly [code: string, weight: number])[] = [
  ['DE', 25], ['NL', 15], ['FR', 14], ['IT', 12], ['ES', 10], ['BE', 8], ['PL', 8], ['AT', 3], ['CZ', 2], ['HU', 2], ['SE', 1],
];

export interface CustomsOffice {
  readonly code: string;
  /** UN/LOCODE of the port, airport or inland terminal where goods are discharged. */
  readonly port: string;
  /** Relative share of each mode's traffic that this office handles. */
  readonly modes: Readonly<Partial<Record<TransportMode, number>>>;
}

export const OFFICES: readonly CustomsOffice[] = [
  { code: 'NL000396', port: 'NLRTM', modes: { sea: 30 } },
  { code: 'NL000854', port: 'NLAMS', modes: { air: 25, express: 15, post: 30 } },
  { code: 'BE212000', port: 'BEANR', modes: { sea: 20 } },
  { code: 'BE101000', port: 'BEBRU', modes: { air: 10, express: 20 } },
  { code: 'DE004852', port: 'DEHAM', modes: { sea: 18, rail: 10 } },
  { code: 'DE002101', port: 'DEBRV', modes: { sea: 7 } },
  { code: 'DE003301', port: 'DEFRA', modes: { air: 30, express: 15, post: 40 } },
  { code: 'DE008602', port: 'DELEJ', modes: { air: 10, express: 40 } },
  { code: 'DE005301', port: 'DEDUI', modes: { rail: 55, road: 30 } },
  { code: 'FR002310', port: 'FRLEH', modes: { sea: 8 } },
  { code: 'FR000690', port: 'FRCDG', modes: { air: 20, express: 10, post: 30 } },
  { code: 'ES000461', port: 'ESVLC', modes: { sea: 8, road: 10 } },
  { code: 'IT261101', port: 'ITGOA', modes: { sea: 7 } },
  { code: 'PL301010', port: 'PLWAW', modes: { rail: 35, road: 35 } },
  { code: 'HU301000', port: 'HUBUD', modes: { road: 25 } },
  { code: 'PL321000', port: 'PLGDN', modes: { sea: 2 } },
];
