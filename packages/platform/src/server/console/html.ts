// The console renders with the patient pages' template helper (DESIGN.md §9: one escaping-by-default
// template for every page the platform serves), under the names the console's files use.
export { SafeHtml as Html, escapeHtml, html, raw as trusted } from '../pages/html.js';
