// ClockPort and LoggerPort over Date, Utilities.sleep and console (Apps Script's console
// goes to the execution log / Cloud Logging).
import { ClockPort, LoggerPort } from '../ports';

export const appsScriptClock: ClockPort = {
  now: () => Date.now(),
  sleep: ms => Utilities.sleep(Math.max(0, Math.min(Math.ceil(ms), 300000))),
};

export const appsScriptLogger: LoggerPort = {
  info: message => console.info(message),
  warn: message => console.warn(message),
  error: message => console.error(message),
};
