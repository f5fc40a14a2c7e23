// File-system failures in words, for the CSV reader and the command line alike.

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EROFS: 'a read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large',
  EIO: 'an input/output error',
  EINVAL: 'the system refuses it (invalid argument)',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  ETXTBSY: 'the file is busy',
  EBUSY: 'the file is busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EEXIST: 'it already exists',
  EAGAIN: 'it is not ready (try again)',
  ERR_INVALID_ARG_VALUE: 'not a valid file name (a NUL byte?)',
  ERR_INVALID_ARG_TYPE: 'not a valid file name',
  ERR_STRING_TOO_LONG: 'the file is too large to read as text',
  ERR_FS_FILE_TOO_LARGE: 'the file is too large',
};

/** Why a file operation failed, in words, or null when `e` is not a file error. */
export function fileReason(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (Object.hasOwn(FILE_ERRORS, code)) return FILE_ERRORS[code];
  return /^E[A-Z]+$/.test(code) ? `the system says ${code}` : null;
}
