/**
 * Why a folder the bot keeps its data in cannot be used, in words an operator can act on, or
 * undefined for errors that say nothing about the folder (those keep their stack: they are bugs).
 * `subject` names the folder as the operator knows it: "DATA_DIR /srv/bot".
 */
export function explainFolderError(err: unknown, subject: string): string | undefined {
  const uid = process.getuid?.() ?? '?';
  switch ((err as NodeJS.ErrnoException | null)?.code) {
    case 'EEXIST':
      return `${subject} is a file, not a folder. Move the file away or point DATA_DIR at a folder.`;
    case 'ENOTDIR':
      return `${subject} cannot be a folder: part of its path is a file. Move the file away or point DATA_DIR at a folder.`;
    case 'EACCES':
    case 'EPERM':
      return `${subject} is not writable by this user (uid ${uid}). Give the folder to this user (chown or chmod) or point DATA_DIR at a folder it can write.`;
    case 'EROFS':
      return `${subject} is on a read-only file system. Point DATA_DIR at a writable disk or volume.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `${subject} is on a full disk (or over its quota). Free some space, or point DATA_DIR at another disk.`;
    default:
      return undefined;
  }
}
