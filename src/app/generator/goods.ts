/**
 * The goods catalogue of the generated world: HS6 subheadings with a plausible description, the
 * usual unit value and its spread, the quantity unit, and an ad-valorem duty rate. Rates and prices
 * are illustrative, in the spirit of the EU Common Customs Tariff and of trade statistics of the
 * 2020s; they are not a legal or statistical reference.
 */

/** UN/ECE Recommendation 20 unit codes used here. */
export type QuantityUnit = 'KGM' | 'NAR' | 'PR' | 'LTR';

export interface GoodsLine {
  readonly index: number;
  readonly hs6: string;
  readonly chapter: number;
  readonly description: string;
  readonly unit: QuantityUnit;
  /** Net mass of one unit of quantity (1 for KGM). */
  readonly kgPerUnit: number;
  /** Median customs value per kilogram net, in USD. */
  readonly usdPerKg: number;
  /** Standard deviation of the log unit value between honest consignments. */
  readonly spread: number;
  /** Third-country (MFN) ad-valorem duty, percent. */
  readonly rate: number;
  /** Anti-dumping or countervailing duty on goods of Chinese origin, percent, added to the rate. */
  readonly cnSurcharge: number;
  /** Typical net mass in a full 40-foot container. */
  readonly containerKg: number;
  /** Share of consignments that travel by air (cargo, express or post). */
  readonly airShare: number;
  /** Excise goods: never admitted under the low-value relief. */
  readonly excise: boolean;
}

type Extra = Partial<Pick<GoodsLine, 'spread' | 'cnSurcharge' | 'containerKg' | 'airShare' | 'excise'>>;
type Row = readonly [hs6: string, unit: QuantityUnit, kgPerUnit: number, usdPerKg: number, rate: number, description: string, extra?: Extra];

const ROWS: readonly Row[] = [
  ['020230', 'KGM', 1, 6.5, 12.8, 'Meat of bovine animals, frozen, boneless', { containerKg: 26000 }],
  ['030617', 'KGM', 1, 9, 12, 'Shrimps and prawns, frozen', { containerKg: 24000 }],
  ['030489', 'KGM', 1, 5.5, 7.5, 'Fish fillets, frozen, n.e.s.', { containerKg: 24000 }],
  ['080390', 'KGM', 1, 0.9, 11.5, 'Bananas, fresh', { containerKg: 20000, spread: 0.2 }],
  ['080510', 'KGM', 1, 0.8, 16, 'Oranges, fresh', { containerKg: 22000, spread: 0.25 }],
  ['080610', 'KGM', 1, 2.5, 11.5, 'Grapes, fresh', { containerKg: 20000 }],
  ['090111', 'KGM', 1, 4.5, 0, 'Coffee, not roasted, not decaffeinated', { containerKg: 19200, spread: 0.25 }],
  ['090240', 'KGM', 1, 3, 0, 'Black tea, fermented, in packings > 3 kg', { containerKg: 18000 }],
  ['100630', 'KGM', 1, 0.7, 17, 'Rice, semi-milled or wholly milled', { containerKg: 25000, spread: 0.2 }],
  ['151110', 'KGM', 1, 0.9, 3.8, 'Palm oil, crude', { containerKg: 24000, spread: 0.2 }],
  ['151190', 'KGM', 1, 1.05, 9, 'Palm oil and its fractions, refined', { containerKg: 24000, spread: 0.2 }],
  ['160414', 'KGM', 1, 5, 24, 'Prepared or preserved tunas, skipjack and bonito, whole or in pieces', { containerKg: 20000 }],
  ['160420', 'KGM', 1, 4.5, 14, 'Prepared or preserved fish, n.e.s.', { containerKg: 20000 }],
  ['170199', 'KGM', 1, 0.6, 33, 'Cane or beet sugar, refined, in solid form', { containerKg: 26000, spread: 0.2 }],
  ['180100', 'KGM', 1, 4, 0, 'Cocoa beans, whole or broken, raw or roasted', { containerKg: 24000, spread: 0.2 }],
  ['220421', 'LTR', 1, 3.5, 4, 'Wine of fresh grapes, in containers holding 2 litres or less', { containerKg: 18000, excise: true }],
  ['220300', 'LTR', 1, 1.2, 0, 'Beer made from malt', { containerKg: 20000, excise: true }],
  ['240110', 'KGM', 1, 5, 18.4, 'Tobacco, not stemmed or stripped', { containerKg: 18000, excise: true }],
  ['240220', 'KGM', 1, 40, 57.6, 'Cigarettes containing tobacco', { containerKg: 9000, excise: true, airShare: 0.02 }],
  ['300490', 'KGM', 1, 60, 0, 'Medicaments put up in measured doses, n.e.s.', { containerKg: 8000, airShare: 0.45, spread: 0.6 }],
  ['330300', 'LTR', 1.1, 45, 0, 'Perfumes and toilet waters', { containerKg: 7000, airShare: 0.4, spread: 0.6 }],
  ['392321', 'KGM', 1, 2, 6.5, 'Sacks and bags, of polymers of ethylene', { containerKg: 16000 }],
  ['392690', 'KGM', 1, 4.5, 6.5, 'Articles of plastics, n.e.s.', { containerKg: 9000, airShare: 0.08 }],
  ['401110', 'NAR', 9, 4, 4.5, 'New pneumatic tyres, of rubber, of a kind used on motor cars', { containerKg: 9000 }],
  ['401120', 'NAR', 55, 3.2, 4, 'New pneumatic tyres, of rubber, of a kind used on buses or lorries', { containerKg: 14000, cnSurcharge: 35 }],
  ['420221', 'NAR', 0.9, 80, 3, 'Handbags, with outer surface of leather or composition leather', { containerKg: 4000, airShare: 0.3, spread: 0.6 }],
  ['420222', 'NAR', 0.6, 20, 9.7, 'Handbags, with outer surface of plastic sheeting or of textile materials', { containerKg: 4000, airShare: 0.15 }],
  ['440710', 'KGM', 1, 0.35, 0, 'Wood sawn lengthwise, coniferous, thickness > 6 mm', { containerKg: 22000, spread: 0.25 }],
  ['441239', 'KGM', 1, 0.8, 7, 'Plywood, consisting solely of sheets of wood, outer plies of coniferous wood', { containerKg: 22000, spread: 0.25 }],
  ['520100', 'KGM', 1, 1.9, 0, 'Cotton, not carded or combed', { containerKg: 22000, spread: 0.2 }],
  ['520942', 'KGM', 1, 6, 8, 'Denim, woven fabrics of cotton, >= 85 % cotton, > 200 g/m2', { containerKg: 15000 }],
  ['610910', 'NAR', 0.2, 14, 12, 'T-shirts, singlets and other vests, knitted or crocheted, of cotton', { containerKg: 6000, airShare: 0.15 }],
  ['611020', 'NAR', 0.4, 18, 12, 'Jerseys, pullovers, cardigans and similar articles, knitted, of cotton', { containerKg: 6000, airShare: 0.15 }],
  ['611595', 'PR', 0.05, 12, 8, 'Socks and other hosiery, knitted, of cotton', { containerKg: 6000, airShare: 0.1 }],
  ['620342', 'NAR', 0.6, 16, 12, "Men's or boys' trousers and shorts, of cotton (denim jeans)", { containerKg: 7000, airShare: 0.1 }],
  ['620520', 'NAR', 0.3, 20, 12, "Men's or boys' shirts, of cotton, not knitted", { containerKg: 6000, airShare: 0.12 }],
  ['621710', 'KGM', 1, 15, 6.3, 'Made-up clothing accessories, n.e.s.', { containerKg: 5000, airShare: 0.15 }],
  ['630231', 'KGM', 1, 7, 12, 'Bed linen of cotton, not printed', { containerKg: 9000 }],
  ['630790', 'KGM', 1, 6, 6.3, 'Made-up articles of textile materials, n.e.s.', { containerKg: 7000, airShare: 0.08 }],
  ['640299', 'PR', 0.8, 9, 16.9, 'Footwear with outer soles and uppers of rubber or plastics, n.e.s.', { containerKg: 6000, airShare: 0.08 }],
  ['640399', 'PR', 0.9, 25, 8, 'Footwear with outer soles of rubber, plastics or leather, uppers of leather, n.e.s.', { containerKg: 6000, airShare: 0.12 }],
  ['640411', 'PR', 0.7, 20, 16.9, 'Sports footwear, outer soles of rubber or plastics, uppers of textile materials', { containerKg: 5500, airShare: 0.12 }],
  ['691110', 'KGM', 1, 2.5, 12, 'Tableware and kitchenware, of porcelain or china', { containerKg: 14000, cnSurcharge: 36 }],
  ['691200', 'KGM', 1, 1.8, 9, 'Ceramic tableware and kitchenware, other than of porcelain', { containerKg: 14000, cnSurcharge: 36 }],
  ['711319', 'KGM', 1, 3000, 2.5, 'Articles of jewellery, of precious metal other than silver', { containerKg: 500, airShare: 0.95, spread: 0.7 }],
  ['711719', 'KGM', 1, 30, 4, 'Imitation jewellery, of base metal', { containerKg: 3000, airShare: 0.4, spread: 0.6 }],
  ['720839', 'KGM', 1, 0.7, 0, 'Flat-rolled iron or non-alloy steel, hot-rolled, in coils, < 3 mm', { containerKg: 26000, cnSurcharge: 28, spread: 0.2 }],
  ['731815', 'KGM', 1, 2.2, 3.7, 'Screws and bolts, of iron or steel, threaded, n.e.s.', { containerKg: 24000, cnSurcharge: 85 }],
  ['732393', 'KGM', 1, 4, 3.2, 'Table, kitchen or other household articles, of stainless steel', { containerKg: 9000 }],
  ['760410', 'KGM', 1, 3.2, 7.5, 'Bars, rods and profiles, of aluminium, not alloyed', { containerKg: 22000, cnSurcharge: 32, spread: 0.25 }],
  ['841510', 'NAR', 35, 6, 2.7, 'Air conditioning machines, window or wall types, self-contained or split-system', { containerKg: 8000 }],
  ['841810', 'NAR', 60, 4.5, 1.9, 'Combined refrigerator-freezers, fitted with separate external doors', { containerKg: 7000 }],
  ['847130', 'NAR', 2.2, 300, 0, 'Portable automatic data-processing machines, weighing <= 10 kg (laptops)', { containerKg: 5000, airShare: 0.6, spread: 0.5 }],
  ['850760', 'KGM', 1, 15, 2.7, 'Lithium-ion accumulators', { containerKg: 12000, airShare: 0.1 }],
  ['851713', 'NAR', 0.2, 1500, 0, 'Smartphones', { containerKg: 3000, airShare: 0.8, spread: 0.5 }],
  ['852852', 'NAR', 6, 25, 0, 'Monitors of a kind solely or principally used in an automatic data-processing system', { containerKg: 6000, airShare: 0.1 }],
  ['852872', 'NAR', 15, 30, 14, 'Reception apparatus for television, colour, LCD/LED, screen 43" to 65"', { containerKg: 6000, airShare: 0.05 }],
  ['854143', 'NAR', 22, 5, 0, 'Photovoltaic cells assembled in modules or made up into panels', { containerKg: 14000 }],
  ['854442', 'KGM', 1, 9, 3.3, 'Electric conductors, for a voltage <= 1 000 V, fitted with connectors', { containerKg: 10000, airShare: 0.1 }],
  ['870323', 'NAR', 1450, 16, 10, 'Motor cars, spark-ignition engine, cylinder capacity 1 500-3 000 cm3', { containerKg: 4400, spread: 0.4 }],
  ['870380', 'NAR', 1900, 14, 10, 'Motor cars, with only electric motor for propulsion', { containerKg: 3800, cnSurcharge: 20, spread: 0.4 }],
  ['870899', 'KGM', 1, 7, 4.5, 'Parts and accessories of motor vehicles, n.e.s.', { containerKg: 12000, airShare: 0.08 }],
  ['871160', 'NAR', 24, 25, 6, 'Cycles with an auxiliary electric motor (e-bikes)', { containerKg: 5000, cnSurcharge: 79 }],
  ['871200', 'NAR', 14, 12, 14, 'Bicycles and other cycles, not motorised', { containerKg: 4500, cnSurcharge: 48.5 }],
  ['871499', 'KGM', 1, 8, 4.7, 'Parts and accessories of bicycles, n.e.s.', { containerKg: 9000, airShare: 0.08 }],
  ['900410', 'NAR', 0.04, 60, 2.9, 'Sunglasses', { containerKg: 2500, airShare: 0.5, spread: 0.7 }],
  ['901890', 'KGM', 1, 60, 0, 'Medical, surgical or veterinary instruments and appliances, n.e.s.', { containerKg: 5000, airShare: 0.4, spread: 0.6 }],
  ['910211', 'NAR', 0.15, 200, 4.5, 'Wrist-watches, battery powered, with mechanical display only', { containerKg: 1500, airShare: 0.85, spread: 0.7 }],
  ['940161', 'NAR', 25, 6, 0, 'Seats with wooden frames, upholstered', { containerKg: 7000 }],
  ['940360', 'KGM', 1, 3.5, 0, 'Wooden furniture, n.e.s.', { containerKg: 9000 }],
  ['950300', 'KGM', 1, 7, 0, "Toys: tricycles, dolls, puzzles, scale models and similar; parts and accessories", { containerKg: 6000, airShare: 0.15 }],
  ['950450', 'NAR', 3, 100, 0, 'Video game consoles and machines', { containerKg: 6000, airShare: 0.3 }],
  ['960321', 'KGM', 1, 10, 3.7, 'Tooth brushes, including dental-plate brushes', { containerKg: 5000, airShare: 0.1 }],
];

export const GOODS: readonly GoodsLine[] = ROWS.map(([hs6, unit, kgPerUnit, usdPerKg, rate, description, extra = {}], index) => ({
  index,
  hs6,
  chapter: Number(hs6.slice(0, 2)),
  description,
  unit,
  kgPerUnit,
  usdPerKg,
  spread: extra.spread ?? 0.35,
  rate,
  cnSurcharge: extra.cnSurcharge ?? 0,
  containerKg: extra.containerKg ?? 12000,
  airShare: extra.airShare ?? 0.03,
  excise: extra.excise ?? false,
}));

const BY_HS6: ReadonlyMap<string, GoodsLine> = new Map(GOODS.map((g) => [g.hs6, g]));

/** Goods that can travel as small parcels by express or post: light units, worth flying. */
export function isParcelGoods(goods: GoodsLine): boolean {
  return goods.kgPerUnit <= 3 && goods.airShare >= 0.08 && !goods.excise;
}

/** The catalogue line of an HS code (its first six digits), if the world knows it. */
export function goodsByHs(hsCode: string): GoodsLine | undefined {
  return BY_HS6.get(hsCode.slice(0, 6));
}
