"""Validate the annotation files and rebuild paragraphs.jsonl and documents.jsonl beside this script.

python corpora/build.py
"""

import json
import sys
from pathlib import Path

from analyzer.corpus import build
from analyzer.errors import InputError

if __name__ == "__main__":
    try:
        print(json.dumps(build(Path(__file__).resolve().parent), ensure_ascii=False, indent=2))
    except InputError as e:
        print(e, file=sys.stderr)
        sys.exit(2)
