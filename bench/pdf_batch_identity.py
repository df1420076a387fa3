"""Are a batch's PDFs the same in content as another tree's (issue 29, "Each PDF cheaper")?
`flask report` makes the same answers files into PDFs in this tree and in BEFORE (a
checkout of the commit to compare with, e.g. `git worktree add /tmp/before COMMIT`), each
with its own code and the same .venv; then each PDF pair is compared as bench/pdf_identity.py
compares: the text read back (pdftotext -layout), the page count (pdfinfo) and every page
rendered at 50 and at 150 dpi (pdftoppm). Swedish and English answers, several people.

  .venv/bin/python bench/pdf_batch_identity.py --before /tmp/before [--reports 6]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import load_instrument  # noqa: E402
from cli.workshops import synthetic_answers  # noqa: E402

BIN = ROOT / ".venv" / "bin"


def make_batch(tree: Path, files: list[Path], out: Path, work: Path) -> None:
    env = {**os.environ, "INSTANCE_PATH": str(work / f"instance-{tree.name}"), "PYTHONPATH": str(tree),
           "SECRET_KEY": "identity"}
    env.pop("FLASK_DEBUG", None)
    flask = [str(BIN / "flask"), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], cwd=tree, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["report", *map(str, files), "-o", str(out)], cwd=tree, env=env, check=True,
                   capture_output=True)


def read_back(path: Path) -> dict:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    images = {}
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in (50, 150):
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), f"{tmp}/p{dpi}"], check=True)
            images[dpi] = [hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in sorted(Path(tmp).glob(f"p{dpi}-*.png"))]
    return {"text": hashlib.sha256(text.encode()).hexdigest()[:12], "pages": pages, "images": images}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path, help="the tree to compare with")
    parser.add_argument("--reports", type=int, default=6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pdf-batch-identity-"))
    instrument = load_instrument(ROOT / "questions" / "v3")
    rng = random.Random(11)
    files = []
    for k in range(args.reports):
        path = work / f"person{k:02d}.json"
        language = "sv" if k % 2 == 0 else "en"
        path.write_text(json.dumps({"language": language, "respondent": f"Åsa Öström {k}",
                                    "answers": synthetic_answers(instrument, rng)}), encoding="utf-8")
        files.append(path)
    made = {}
    for name, tree in (("before", args.before.resolve()), ("after", ROOT)):
        make_batch(tree, files, work / name, work)
        made[name] = {p.name: read_back(p) for p in sorted((work / name).glob("*.pdf"))}
    same = len(made["before"]) == len(made["after"]) == args.reports
    for name, before in made["before"].items():
        after = made["after"].get(name)
        match = after == before
        same &= match
        print(f"  {name}: pages {before['pages']}, text {before['text']}, "
              f"{len(before['images'][50])} page images at 50 and 150 dpi  {'same' if match else 'DIFFERENT'}")
    print("identical in text, pages and rendering" if same else "NOT identical")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
