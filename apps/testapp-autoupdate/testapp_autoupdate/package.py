"""Writes the on-demand Lambda's package: a zip of this folder's modules, the same bytes for the
same sources (fixed timestamps, sorted entries, fixed permissions), so Terraform's source hash and
the pipeline's drift check change only when the code does.

    python -m testapp_autoupdate.package dist/autoupdate-lambda.zip

boto3 is not packed: the Lambda runtime provides it.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def build(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in sorted(PACKAGE.glob("*.py")):
            entry = zipfile.ZipInfo(f"{PACKAGE.name}/{source.name}", date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, source.read_bytes())
    partial.replace(out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m testapp_autoupdate.package OUT.zip\n")
        return 2
    print(build(Path(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
