"""The reference library: earlier submissions and known templates, kept with their fingerprints in one SQLite file,
so that this year's reports are checked against last year's and against templates found online.

Documents are stored by the SHA-256 of their normalised text, so adding the same report twice (or the same text
under another name or format) changes nothing. Writes run in ``BEGIN IMMEDIATE`` transactions on a database in WAL
mode with a busy timeout, so that several runs may add to one library at once without corrupting it. The default
file is ``library.sqlite`` in the user's data directory (platformdirs); ``--library`` chooses another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analyzer.copying import Prepared, prepare
from analyzer.document import Document
from analyzer.errors import InputError

KINDS = ("submission", "template")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    added TEXT NOT NULL,
    chars INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS prints (
    hash INTEGER NOT NULL,
    doc INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS prints_hash ON prints(hash);
CREATE INDEX IF NOT EXISTS prints_doc ON prints(doc);
"""


def default_path() -> Path:
    """Where the library lives unless ``--library`` says otherwise."""
    import platformdirs

    return Path(platformdirs.user_data_dir("analyzer")) / "library.sqlite"


def _signed(value: int) -> int:
    """A 64-bit unsigned fingerprint as the signed integer SQLite stores."""
    return value - (1 << 64) if value >= (1 << 63) else value


@dataclass(frozen=True, slots=True)
class Entry:
    """A document in the library."""

    id: int
    name: str
    kind: str
    added: str
    chars: int
    sha256: str


class Library:
    """A reference library in one SQLite file.

    Args:
        path: The database file; created with its folder on first use.

    Example::

        library = Library(tmp / "lib.sqlite")
        library.add([("2023年青石镇自查报告.docx", doc)], kind="submission")
        [entry.name for entry in library.entries()]
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA foreign_keys=ON")
            self._connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as e:
            raise InputError(f"无法打开参考库 {self.path}：{e} / cannot open the reference library") from e

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, docs: Iterable[tuple[str, Document]], *, kind: str = "submission") -> list[tuple[str, bool]]:
        """Add documents; returns (name, added) for each, added False when the same text was already there."""
        if kind not in KINDS:
            raise InputError(f"未知的类型 {kind!r}；可选：{', '.join(KINDS)} / unknown kind")
        results = []
        for name, doc in docs:
            digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
            prints = prepare(doc).prints
            cursor = self._connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                cursor.execute(
                    "INSERT OR IGNORE INTO documents (sha256, name, kind, added, chars, text) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        digest,
                        name,
                        kind,
                        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        len(doc.text),
                        doc.text,
                    ),
                )
                added = cursor.rowcount == 1
                if added:
                    doc_id = cursor.lastrowid
                    cursor.executemany(
                        "INSERT INTO prints (hash, doc, pos) VALUES (?, ?, ?)",
                        [(_signed(value), doc_id, position) for value, position in prints],
                    )
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            results.append((name, added))
        return results

    def entries(self) -> list[Entry]:
        """Every document in the library, oldest first."""
        rows = self._connection.execute(
            "SELECT id, name, kind, added, chars, sha256 FROM documents ORDER BY id"
        ).fetchall()
        return [Entry(*row) for row in rows]

    def remove(self, keys: Iterable[str]) -> list[str]:
        """Remove documents by id or by name; returns the keys that matched nothing."""
        missing = []
        for key in keys:
            cursor = self._connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            if key.isdigit():
                cursor.execute("DELETE FROM documents WHERE id = ?", (int(key),))
            else:
                cursor.execute("DELETE FROM documents WHERE name = ?", (key,))
            if cursor.rowcount == 0:
                missing.append(key)
            cursor.execute("COMMIT")
        return missing

    def sharing(self, prepared: Iterable[Prepared], *, limit: int = 50) -> dict[str, Document]:
        """Library documents that share fingerprints with the given prepared documents (see
        `analyzer.copying.prepare`), the most sharing first (at most `limit`), rebuilt as documents named
        ``library:<name>``."""
        from analyzer.engine import from_text

        counts: dict[int, int] = {}
        for item in prepared:
            values = [_signed(value) for value, _ in item.prints]
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT doc, COUNT(*) FROM prints WHERE hash IN ({marks}) GROUP BY doc"
                for doc_id, count in self._connection.execute(query, chunk):
                    counts[doc_id] = counts.get(doc_id, 0) + count
        chosen = sorted(counts, key=lambda doc_id: -counts[doc_id])[:limit]
        found: dict[str, Document] = {}
        for doc_id in chosen:
            name, text = self._connection.execute("SELECT name, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            found[f"library:{name}"] = from_text(text, source=f"library:{name}")
        return found
