import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Write files under `dir`: path → contents (string or bytes); "" makes an empty placeholder. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), contents);
  }
}
