"""The floor under the ledger import: the same writes, done by SQLite's own C code.

Copies every project of a seeded ledger into a fresh copy of an empty, migrated database in one
transaction, the way `Store::import_ledger` writes them (200-row INSERTs into `projects`, the
`_created` history rows by INSERT ... SELECT, the tag rows, the search rows last), with no Rust,
no sqlx and no reading of a workbook in between. Whatever this takes, an import cannot beat.

    cargo run --release -- seed --db sqlite:///tmp/ledger.db --projects 20000
    cargo run --release -- migrate --db sqlite:///tmp/empty.db
    pip install apsw        # a current SQLite (FTS5 contentless_delete needs 3.43+)
    python3 crates/store/benches/sqlite_floor.py /tmp/ledger.db /tmp/empty.db

Prints each step and rows/s for the schema as it is, and without the list page's sort and
filter indexes, without the search index, and without both, for planning.
"""

import shutil
import sys
import tempfile
import time

import apsw

CHUNK = 200
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode(ch):
    n, out = ord(ch), ""
    for _ in range(4):
        out = DIGITS[n % 36] + out
        n //= 36
    return out


def index_text(text):
    """domain::search::index_text, minus the full-width folding (the seeded text has none)."""
    chars = [c.lower() for c in (text or "") if not c.isspace()]
    return " ".join(
        encode(c) + encode(chars[i + 1] if i + 1 < len(chars) else "\0")
        for i, c in enumerate(chars)
    )


def load(ledger):
    src = apsw.Connection(ledger)
    cols = [r[1] for r in src.execute("PRAGMA table_info(projects)") if r[1] != "id"]
    data = {
        "cols": cols,
        "projects": src.execute(f"SELECT {', '.join(cols)} FROM projects ORDER BY id").fetchall(),
        "units": src.execute("SELECT * FROM units ORDER BY id").fetchall(),
        "regions": src.execute("SELECT * FROM regions ORDER BY id").fetchall(),
        "tags": src.execute("SELECT tag, project_id FROM project_tags").fetchall(),
        "search": [
            (i, index_text(n), index_text(c), index_text(k))
            for i, n, c, k in src.execute("SELECT id, name, content, code FROM projects ORDER BY id")
        ],
    }
    return data


def run(label, empty, data, drop):
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/floor.db"
        shutil.copy(empty, path)
        c = apsw.Connection(path)
        c.execute("PRAGMA journal_mode=WAL").fetchall()
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA cache_size=-64000")
        for sql in drop(c):
            c.execute(sql)
        c.execute("BEGIN")
        for table in ("regions", "units"):
            rows = data[table]
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                c.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        cols, rows = data["cols"], data["projects"]
        one = "(" + ", ".join("?" * len(cols)) + ")"
        steps, t = [], time.perf_counter()

        def step(name):
            nonlocal t
            now = time.perf_counter()
            steps.append((name, now - t))
            t = now

        for i in range(0, len(rows), CHUNK):
            part = rows[i : i + CHUNK]
            sql = f"INSERT INTO projects ({', '.join(cols)}) VALUES " + ", ".join([one] * len(part))
            c.execute(sql, [v for r in part for v in r])
        step("projects")
        c.execute(
            "INSERT INTO project_changes (project_id, version, field, old_value, new_value, user_id, source, at) "
            "SELECT id, 1, '_created', '', name, NULL, 'import', 0 FROM projects"
        )
        step("history")
        c.executemany("INSERT INTO project_tags (tag, project_id) VALUES (?, ?)", data["tags"])
        step("tags")
        if c.execute("SELECT count(*) FROM sqlite_master WHERE name = 'project_search'").fetchall()[0][0]:
            c.executemany(
                "INSERT INTO project_search (rowid, name, content, code) VALUES (?, ?, ?, ?)",
                data["search"],
            )
        step("search")
        c.execute("COMMIT")
        step("commit")
        total = sum(s for _, s in steps)
        parts = "  ".join(f"{n} {s * 1000:.0f} ms" for n, s in steps)
        print(f"{label:<34} {total * 1000:5.0f} ms  {len(rows) / total:8,.0f} rows/s   {parts}")


def main():
    ledger, empty = sys.argv[1], sys.argv[2]
    data = load(ledger)
    print(f"SQLite {apsw.sqlite_lib_version()}, {len(data['projects'])} projects")

    def sort_indexes(c):
        return [
            f"DROP INDEX {name}"
            for (name,) in c.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'projects' AND sql IS NOT NULL"
            )
        ]

    def search(_c):
        return ["DROP TABLE project_search"]

    for _ in range(2):
        run("as built", empty, data, lambda c: [])
        run("without sort/filter indexes", empty, data, sort_indexes)
        run("without the search index", empty, data, search)
        run("without either", empty, data, lambda c: sort_indexes(c) + search(c))


if __name__ == "__main__":
    main()
