// Copies the canonical schema (<repo>/schema/flash.schema.json) into
// schemas/ so that it ships inside the .vsix (used by the `tomlValidation`
// contribution for Even Better TOML / tombi users).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const extensionRoot = resolve(here, "..");
const source = process.env.FLASH_SCHEMA_JSON
  ? resolve(process.env.FLASH_SCHEMA_JSON)
  : resolve(extensionRoot, "../../../schema/flash.schema.json");
const target = join(extensionRoot, "schemas", "flash.schema.json");

let text;
try {
  text = readFileSync(source, "utf8");
} catch (err) {
  console.error(`copy-schema: cannot read ${source}: ${err.message}`);
  console.error("copy-schema: the canonical schema must exist at <repo>/schema/flash.schema.json");
  process.exit(1);
}
try {
  JSON.parse(text);
} catch (err) {
  console.error(`copy-schema: ${source} is not valid JSON: ${err.message}`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`copy-schema: ${source} -> ${target}`);
