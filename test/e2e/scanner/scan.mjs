// Runs n8n's verification scanner on a source folder and an unpacked tarball; prints one JSON line.
// Usage: node scan.mjs <scanner.mjs> <source folder> <unpacked tarball folder>
import { pathToFileURL } from 'node:url';

const [scannerPath, sourceDir, packageDir] = process.argv.slice(2);
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(scannerPath).href);
const brief = ({ passed, message, details }) => ({ passed, message, details });
const source = brief(await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS));
// As the scanner lints the tarball of a published version (scanner.mjs, analyzePackageByName).
const tarball = brief(await analyzePackage(packageDir, ['**/*.js', 'package.json']));
process.stdout.write(`${JSON.stringify({ source, tarball })}\n`);
