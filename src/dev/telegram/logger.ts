/**
 * The logging surface the emulator needs; a pino logger satisfies it. The emulator logs
 * nothing unless a logger is passed in, so tests and the local-mode terminal stay quiet.
 */
export interface EmulatorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
