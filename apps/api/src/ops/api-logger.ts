/** Injection token of the api's pino logger. */
export const API_LOGGER = Symbol('API_LOGGER');
