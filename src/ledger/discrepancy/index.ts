export { compareConsignment, DATE_TOLERANCE_HOURS, WEIGHT_ALLOWANCE_KG, WEIGHT_FACTOR, type ConsignmentRecords, type Discrepancy, type DiscrepancyField, type Side, type SideRole, type SideValue } from './compare.ts';
export { linkRecords, LINK_WINDOW_DAYS, type Recorded } from './link.ts';
