/**
 * The unit enumeration of scaler_unit (meterlink spec §11.4).
 *
 * @module
 */

/** One entry of the unit table. */
export interface Unit {
  /** The enumeration value carried in scaler_unit. */
  readonly id: number;
  /** The printed symbol (`'Wh'`, `'m³'`); empty for 254 (other) and 255 (count). */
  readonly symbol: string;
  /** The quantity, in words (`'active energy'`). */
  readonly name: string;
}

/**
 * `[id, symbol, quantity]` rows of §11.4, incl. 65–72 and the imperial / US units 128–174
 * (whose symbols §14.2 notes are confirmed by one source only).
 */
const rows: readonly (readonly [number, string, string])[] = [
  [1, 'a', 'time (year)'],
  [2, 'mo', 'time (month)'],
  [3, 'wk', 'time (week)'],
  [4, 'd', 'time (day)'],
  [5, 'h', 'time (hour)'],
  [6, 'min', 'time (minute)'],
  [7, 's', 'time (second)'],
  [8, '°', 'phase angle (degree)'],
  [9, '°C', 'temperature'],
  [10, 'currency', 'local currency'],
  [11, 'm', 'length'],
  [12, 'm/s', 'speed'],
  [13, 'm³', 'volume'],
  [14, 'm³', 'corrected volume'],
  [15, 'm³/h', 'volume flux'],
  [16, 'm³/h', 'corrected volume flux'],
  [17, 'm³/d', 'volume flux'],
  [18, 'm³/d', 'corrected volume flux'],
  [19, 'l', 'volume (litre)'],
  [20, 'kg', 'mass'],
  [21, 'N', 'force'],
  [22, 'Nm', 'energy (newton-metre)'],
  [23, 'Pa', 'pressure'],
  [24, 'bar', 'pressure'],
  [25, 'J', 'energy (joule)'],
  [26, 'J/h', 'thermal power'],
  [27, 'W', 'active power'],
  [28, 'VA', 'apparent power'],
  [29, 'var', 'reactive power'],
  [30, 'Wh', 'active energy'],
  [31, 'VAh', 'apparent energy'],
  [32, 'varh', 'reactive energy'],
  [33, 'A', 'current'],
  [34, 'C', 'electrical charge'],
  [35, 'V', 'voltage'],
  [36, 'V/m', 'electric field strength'],
  [37, 'F', 'capacitance'],
  [38, 'Ω', 'resistance'],
  [39, 'Ω·m²/m', 'resistivity'],
  [40, 'Wb', 'magnetic flux'],
  [41, 'T', 'magnetic flux density'],
  [42, 'A/m', 'magnetic field strength'],
  [43, 'H', 'inductance'],
  [44, 'Hz', 'frequency'],
  [45, '1/(Wh)', 'active energy meter constant'],
  [46, '1/(varh)', 'reactive energy meter constant'],
  [47, '1/(VAh)', 'apparent energy meter constant'],
  [48, 'V²h', 'volt-squared hours'],
  [49, 'A²h', 'ampere-squared hours'],
  [50, 'kg/s', 'mass flux'],
  [51, 'S', 'conductance'],
  [52, 'K', 'temperature (kelvin)'],
  [53, '1/(V²h)', 'volt-squared hour meter constant'],
  [54, '1/(A²h)', 'ampere-squared hour meter constant'],
  [55, '1/m³', 'volume meter constant'],
  [56, '%', 'percentage'],
  [57, 'Ah', 'ampere-hours'],
  [60, 'Wh/m³', 'energy per volume'],
  [61, 'J/m³', 'calorific value'],
  [62, 'Mol %', 'molar fraction'],
  [63, 'g/m³', 'mass density'],
  [64, 'Pa·s', 'dynamic viscosity'],
  [65, 'J/kg', 'specific energy'],
  [66, 'g/cm²', 'pressure'],
  [67, 'atm', 'pressure'],
  [70, 'dBm', 'signal strength'],
  [71, 'dBµV', 'signal strength'],
  [72, 'dB', 'logarithmic ratio'],
  [128, 'in', 'length (inch)'],
  [129, 'ft', 'length (foot)'],
  [130, 'lb', 'mass (pound)'],
  [131, '°F', 'temperature (Fahrenheit)'],
  [132, '°R', 'temperature (Rankine)'],
  [133, 'sq in', 'area (square inch)'],
  [134, 'sq ft', 'area (square foot)'],
  [135, 'ac', 'area (acre)'],
  [136, 'cu in', 'volume (cubic inch)'],
  [137, 'cu ft', 'volume (cubic foot)'],
  [138, 'ac-ft', 'volume (acre-foot)'],
  [139, 'gal (imp)', 'volume (imperial gallon)'],
  [140, 'gal (US)', 'volume (US gallon)'],
  [141, 'lbf', 'force (pound-force)'],
  [142, 'psi', 'pressure'],
  [143, 'lb/cu ft', 'density'],
  [144, 'lb/(ft·s)', 'dynamic viscosity'],
  [145, 'sq ft/s', 'kinematic viscosity'],
  [146, 'BTU', 'energy'],
  [147, 'therm (EU)', 'energy'],
  [148, 'therm (US)', 'energy'],
  [149, 'BTU/lb', 'specific energy'],
  [150, 'BTU/cu ft', 'calorific value'],
  [151, 'cu ft', 'volume (cubic foot)'],
  [152, 'ft/s', 'speed'],
  [153, 'cu ft/s', 'volume flux'],
  [154, 'cu ft/min', 'volume flux'],
  [155, 'cu ft/h', 'volume flux'],
  [156, 'cu ft/d', 'volume flux'],
  [157, 'ac-ft/s', 'volume flux'],
  [158, 'ac-ft/min', 'volume flux'],
  [159, 'ac-ft/h', 'volume flux'],
  [160, 'ac-ft/d', 'volume flux'],
  [161, 'imp gal', 'volume (imperial gallon)'],
  [162, 'imp gal/s', 'volume flux'],
  [163, 'imp gal/min', 'volume flux'],
  [164, 'imp gal/h', 'volume flux'],
  [165, 'imp gal/d', 'volume flux'],
  [166, 'US gal', 'volume (US gallon)'],
  [167, 'US gal/s', 'volume flux'],
  [168, 'US gal/min', 'volume flux'],
  [169, 'US gal/h', 'volume flux'],
  [170, 'US gal/d', 'volume flux'],
  [171, 'BTU/s', 'power'],
  [172, 'BTU/min', 'power'],
  [173, 'BTU/h', 'power'],
  [174, 'BTU/d', 'power'],
  [254, '', 'other unit'],
  [255, '', 'no unit (count)'],
];

/**
 * Looks a unit up by its enumeration value.
 *
 * @param id - The unit enum of a scaler_unit.
 * @returns The unit, or `undefined` for the unassigned values (0, 58, 59, 68, 69, 73–127,
 *   175–253, anything outside 0–255): §11.4 says to treat those as "unknown unit n", not to fail.
 * @example
 * ```ts
 * unitById(30); // { id: 30, symbol: 'Wh', name: 'active energy' }
 * ```
 */
export function unitById(id: number): Unit | undefined {
  // The table is sorted by id: binary search, no lookup map to build at module load.
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const row = rows[mid]!;
    if (row[0] === id) return { id, symbol: row[1], name: row[2] };
    if (row[0] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The printed symbol of a unit: the table symbol, `''` for 254/255, and `'unit n'` for an
 * unassigned value (§11.4: "unknown unit n").
 *
 * @param id - The unit enum of a scaler_unit.
 * @returns The symbol to print after a value.
 * @example
 * ```ts
 * unitSymbol(30); // 'Wh'
 * unitSymbol(255); // '' (a count)
 * unitSymbol(200); // 'unit 200'
 * ```
 */
export function unitSymbol(id: number): string {
  return unitById(id)?.symbol ?? `unit ${id}`;
}
