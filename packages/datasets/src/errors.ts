/** A dataset file that cannot be read as its format says: `path:line: reason`. */
export class DatasetFormatError extends Error {
  override name = "DatasetFormatError";
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? path : `${path}:${line}`}: ${reason}`);
  }
}

/** A path inside a dataset's label file that would leave the dataset root. */
export class DatasetPathError extends Error {
  override name = "DatasetPathError";
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? path : `${path}:${line}`}: ${reason}`);
  }
}

/** A clip or corpus specification that cannot be synthesised: names the field and the reason. */
export class InvalidSpecError extends Error {
  override name = "InvalidSpecError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
