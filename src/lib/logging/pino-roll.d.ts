/** pino-roll ships no types: the part of its API Courtside uses (build a rolling file stream). */
declare module 'pino-roll' {
  import type SonicBoom from 'sonic-boom';

  export interface PinoRollOptions {
    /** Base path; a rotation number (and `extension`) is appended. */
    file: string;
    /** Roll when a file reaches this size ('10m', '500k', or MB as a number). */
    size?: string | number;
    /** Roll on a schedule: 'daily', 'hourly' or milliseconds. */
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    /** Keep a `current.log` symlink to the file in use. */
    symlink?: boolean;
    /** Files kept besides the current one. */
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    sync?: boolean;
  }

  export default function build(options: PinoRollOptions): Promise<SonicBoom>;
}
