/** Saves a blob through the browser's download, as a link click does. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the time this fires; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
