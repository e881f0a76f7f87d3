"""package.py [OUT.zip]: writes the canary's package for CloudWatch Synthetics and prints its path.

Synthetics' Node.js runtimes load the script from nodejs/node_modules/ in the zip; the handler is
order-canary.handler. The same sources give the same bytes on any machine (stored, not deflated,
whose bytes vary with zlib's version; fixed times and order). The package is committed beside this
file, so every apply of dev and prod has it without a build step; test/package.test.js fails when
it is not what this script makes from src/ (run `npm run package` here after changing src/).
"""
import sys
import zipfile
from pathlib import Path

here = Path(__file__).resolve().parent
out = Path(sys.argv[1] if len(sys.argv) > 1 else here / "order-canary.zip").resolve()
files = {
    "nodejs/node_modules/order-canary.js": here / "src" / "handler.js",
    "nodejs/node_modules/place-order.js": here / "src" / "place-order.js",
}
out.parent.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
    for name in sorted(files):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.writestr(info, files[name].read_bytes())
print(out)
