/** The engine's data generator and catalog reader, which are internal to rehearsal. */
export { generateData } from '../src/rehearse/generate-data.js';
export { readCatalog as readCatalogForTest } from '../src/rehearse/rehearsal-catalog.js';
