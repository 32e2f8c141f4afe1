// @switchback/sdk/openfeature: an OpenFeature server provider (@openfeature/server-sdk is an optional peer dependency).

export { SwitchbackProvider, toEvalContext } from './switchback-provider.js';
