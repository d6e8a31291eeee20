/**
 * The one message of the Electron shell's own, outside the service's contract: main hands the
 * page a file the user opened from the desktop (command line, file association, File menu).
 * The preload gives it to the page's own "Open snapshot" input, so it takes the same path,
 * with the same checks, as a file chosen in the page's file picker.
 */
export const SHELL_OPEN_FILE_CHANNEL = 'shell:open-file';

export interface ShellOpenFile {
  /** The file's base name, as the page shows it. */
  name: string;
  text: string;
}
