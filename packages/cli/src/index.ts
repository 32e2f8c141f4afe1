export { main, buildProgram, VERSION } from './main.js';
export { runDemo, type DemoResult, type DemoOptions, type ScenarioResult } from './demo/run-demo.js';
