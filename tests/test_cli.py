"""The `cms` command line, run as a real process against a real database."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.seed_article import ALL_ARTICLES, SEED_HEADINGS, SEED_PATH, SEED_SLUG, seed_text

ROOT = Path(__file__).parents[1]
ARTICLES = ALL_ARTICLES


def cms(
    database_url: str,
    *args: str,
    cwd: Path = ROOT,
    stdin: str = "",
    columns: int = 200,
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CMS_DATABASE_URL": database_url, "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "cms", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_prints_each_file_with_its_slug_then_a_summary(sqlite_url: str) -> None:
    files = [str(p) for p in ARTICLES]

    first = cms(sqlite_url, "import", *files)
    second = cms(sqlite_url, "import", *files)

    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.splitlines()[-1] == f"{len(files)} created, 0 updated, 0 unchanged, 0 failed"
    )
    assert second.stdout.splitlines() == [
        *(
            f"{path}: unchanged {slug}"
            for path, slug in zip(files, _slugs(first.stdout), strict=False)
        ),
        f"0 created, 0 updated, {len(files)} unchanged, 0 failed",
    ]


def _slugs(summary: str) -> list[str]:
    return [
        line.split(": created ")[1].split(" ")[0]
        for line in summary.splitlines()
        if ": created " in line
    ]


def test_the_summary_says_what_each_import_made_and_changed(
    sqlite_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(seed_text(), encoding="utf-8")
    created = cms(sqlite_url, "import", str(article))
    article.write_text(
        seed_text()
        .replace("Conclusion", "In Closing")
        .replace("- 19 Likes", "- 25 Likes")
        .replace("3 Comments", "4 Comments")
        .removesuffix("\n")
        + "\nLee\nGreat read!",
        encoding="utf-8",
    )

    updated = cms(sqlite_url, "import", str(article))

    headings = ", ".join(f'"{h}"' for h in SEED_HEADINGS[1:])
    assert created.stdout.splitlines() == [
        f"{article}: created {SEED_SLUG} (7 sections, 2 stories, 3 comments)",
        f"  headings: {headings}",
        "1 created, 0 updated, 0 unchanged, 0 failed",
    ]
    assert updated.stdout.splitlines() == [
        f"{article}: updated {SEED_SLUG}: 1 section changed, likes 19 → 25, 1 comment added",
        "  headings: " + headings.replace("Conclusion", "In Closing"),
        "0 created, 1 updated, 0 unchanged, 0 failed",
    ]


def test_headings_with_nothing_under_them_are_pointed_out(sqlite_url: str, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Walking\n- May 1, 2020\n- 1 Like\n- 1 View\n- 0 Comments\nWe walked.\n"
        "Why Not Just Walk More\nThanks for reading\n0 Comments",
        encoding="utf-8",
    )

    result = cms(sqlite_url, "import", str(article))

    assert result.stdout.splitlines()[1:3] == [
        '  headings: "Why Not Just Walk More" (nothing under it), '
        '"Thanks for reading" (nothing under it)',
        "  a heading with nothing under it may be a paragraph: "
        "start its line with \\ to keep it one",
    ]


def test_windows_line_endings_import_as_the_same_article(sqlite_url: str, tmp_path: Path) -> None:
    windows = tmp_path / "windows.txt"
    windows.write_bytes(seed_text().replace("\n", "\r\n").encode("utf-8"))

    first = cms(sqlite_url, "import", str(windows))
    same = cms(sqlite_url, "import", str(SEED_PATH))

    assert first.returncode == 0, first.stderr
    assert same.stdout.splitlines()[0] == f"{SEED_PATH}: unchanged {SEED_SLUG}"
    assert cms(sqlite_url, "export", SEED_SLUG).stdout == seed_text().removesuffix("\n") + "\n"


def test_draft_makes_new_posts_drafts_and_leaves_published_ones_published(
    sqlite_url: str, tmp_path: Path
) -> None:
    published = cms(sqlite_url, "import", str(SEED_PATH))
    again = cms(sqlite_url, "import", "--draft", str(SEED_PATH), str(ARTICLES[1]))

    assert published.returncode == again.returncode == 0
    lines = again.stdout.splitlines()
    assert lines[:2] == [
        f"{SEED_PATH}: unchanged {SEED_SLUG}",
        "  kept PUBLISHED: --draft applies to new posts only",
    ]
    assert cms(sqlite_url, "export", SEED_SLUG).stdout == seed_text().removesuffix("\n") + "\n"
    new_slug = _slugs(again.stdout)[0]
    assert cms(sqlite_url, "export", new_slug).stdout.splitlines()[1] == "- Status: Draft"


def test_a_bad_file_fails_with_its_line_and_the_others_still_import(
    sqlite_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\n- May 1, 2020\n- 19 Lykes\n- 1 View\n- 0 Comments\nBody.\n0 Comments")

    result = cms(sqlite_url, "import", str(bad), str(ARTICLES[0]))

    assert result.returncode == 1
    assert f"{bad}:3: " in result.stderr
    assert result.stdout.splitlines()[-1] == "1 created, 0 updated, 0 unchanged, 1 failed"


def test_error_lines_stay_whole_off_a_terminal_however_narrow(
    sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / ("a-folder-with-a-long-name-" * 4)
    folder.mkdir()
    bad = folder / "bad [red]markup[bold].txt"
    bad.write_text("Title\n- May 1, 2020\n- 19 Lykes\n- 1 View\n- 0 Comments\nBody.\n0 Comments")

    result = cms(sqlite_url, "import", str(bad), columns=40)

    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{bad}:3: ")
    assert "\x1b" not in result.stderr


def test_unreadable_files_say_so_and_folders_are_walked(sqlite_url: str, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    (articles / "2019" / "09").mkdir(parents=True)
    (articles / "2019" / "09" / "seed.txt").write_bytes(ARTICLES[1].read_bytes())
    (articles / "first.txt").write_bytes(ARTICLES[0].read_bytes())
    (articles / "notes.md").write_text("not an article")
    latin = tmp_path / "latin-1.txt"
    latin.write_bytes("Caf\xe9\n".encode("latin-1"))
    empty = tmp_path / "empty"
    empty.mkdir()

    result = cms(
        sqlite_url, "import", str(articles), str(latin), str(tmp_path / "missing.txt"), str(empty)
    )

    assert result.returncode == 1
    # Each file's line (what it made follows in brackets, headings on indented lines).
    made = [line.split(" (")[0] for line in result.stdout.splitlines() if line[:1] != " "]
    assert made[:2] == [
        f"{articles / '2019' / '09' / 'seed.txt'}: created {result.stdout.split()[2]}",
        f"{articles / 'first.txt'}: created {SEED_SLUG}",
    ]
    assert result.stdout.splitlines()[-1] == "2 created, 0 updated, 0 unchanged, 3 failed"
    assert result.stderr.splitlines() == [
        f"{empty}: no article files (*.txt) in this folder",
        f"{latin}: cannot read: not UTF-8 text (byte 3)",
        f"{tmp_path / 'missing.txt'}: cannot read: No such file or directory",
    ]


def test_export_prints_one_post_and_writes_all_saying_where(
    sqlite_url: str, tmp_path: Path
) -> None:
    cms(sqlite_url, "import", *(str(p) for p in ARTICLES))
    out = tmp_path / "out"

    one = cms(sqlite_url, "export", SEED_SLUG)
    every = cms(sqlite_url, "export", "--all", str(out))
    missing = cms(sqlite_url, "export", "no-such-post")

    seed = seed_text()
    assert one.stdout.removesuffix("\n") == seed.removesuffix("\n")
    exported = sorted(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    assert exported == sorted(p.read_text(encoding="utf-8").removesuffix("\n") for p in ARTICLES)
    assert every.returncode == 0
    assert every.stdout.splitlines()[0] == str(out / f"{SEED_SLUG}.txt")
    assert sorted(every.stdout.splitlines()) == sorted(str(p) for p in out.glob("*.txt"))
    assert every.stderr == f"Exported {len(ARTICLES)} posts to {out}\n"
    assert missing.returncode == 1
    assert missing.stderr == "No post with slug 'no-such-post'.\n"


def test_seed_is_idempotent_from_any_directory(sqlite_url: str, tmp_path: Path) -> None:
    first = cms(sqlite_url, "seed", cwd=tmp_path)
    second = cms(sqlite_url, "seed")

    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1].endswith(": 1 created, 0 updated, 0 unchanged, 0 failed")
    assert second.stdout.splitlines()[-1].endswith(": 0 created, 0 updated, 1 unchanged, 0 failed")


def test_seed_from_a_missing_or_empty_folder_fails_and_says_why(
    sqlite_url: str, tmp_path: Path
) -> None:
    missing = cms(sqlite_url, "seed", "--dir", "nope", cwd=tmp_path)
    (tmp_path / "empty").mkdir()
    empty = cms(sqlite_url, "seed", "--dir", str(tmp_path / "empty"))

    assert missing.returncode == 2
    assert missing.stderr == "nope: no such folder (--dir takes a folder of article files)\n"
    assert empty.returncode == 1
    assert empty.stderr == f"{tmp_path / 'empty'}: no article files (*.txt) in this folder\n"


def test_dump_and_load_move_a_site_into_a_new_database(sqlite_url: str, tmp_path: Path) -> None:
    cms(sqlite_url, "seed")
    dump = tmp_path / "site.json"
    target = f"sqlite://{tmp_path / 'target.sqlite3'}"

    dumped = cms(sqlite_url, "dump", str(dump))
    loaded = cms(target, "load", str(dump))  # never migrated: load does it
    again = cms(target, "load", str(dump))

    assert dumped.returncode == 0, dumped.stderr
    assert dumped.stdout == (
        f"Wrote {dump}: 1 posts, 7 sections, 2 stories, 3 comments, 3 revisions\n"
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == (
        "Loaded 0 tags, 1 posts, 7 sections, 2 stories, 3 comments, 0 likes, 0 post reactions, "
        "0 post reaction counts, 0 comment reactions, 0 comment reaction counts, "
        "0 comment votes, 0 activity days, 3 revisions, 0 comment holds, 0 comment reports, "
        "0 bans, 0 post tags\n"
    )
    assert "Loading sections: 7 of 7\n" in loaded.stderr
    assert cms(target, "export", SEED_SLUG).stdout == cms(sqlite_url, "export", SEED_SLUG).stdout
    assert again.returncode == 1
    assert again.stderr.startswith(
        f"sqlite://{tmp_path / 'target.sqlite3'} already holds 1 posts, 7 sections, 2 stories, "
        "3 comments, 3 revisions, and `cms load` fills an empty database. Load into a new one"
    )
    assert "pass --replace" in again.stderr
    document = json.loads(dump.read_text(encoding="utf-8"))
    for table in ("sections", "stories", "comments", "likes", "revisions"):
        columns = document[table]["columns"]
        assert len(columns) == len(set(columns)), table


def test_load_replace_asks_first_and_yes_skips_the_question(
    sqlite_url: str, tmp_path: Path
) -> None:
    cms(sqlite_url, "seed")
    dump = tmp_path / "site.json"
    cms(sqlite_url, "dump", str(dump))
    cms(sqlite_url, "import", str(ROOT / "tests" / "ingest" / "articles" / "quiet-hours.txt"))

    def slugs() -> list[str]:
        out = tmp_path / f"export-{len(list(tmp_path.iterdir()))}"
        listed = cms(sqlite_url, "export", "--all", str(out)).stdout.splitlines()
        return sorted(Path(line).stem for line in listed)

    two = [SEED_SLUG, "the-case-for-quiet-hours-at-the-office"]
    declined = cms(sqlite_url, "load", "--replace", str(dump), stdin="n\n")
    no_answer = cms(sqlite_url, "load", "--replace", str(dump))
    after_refusals = slugs()
    accepted = cms(sqlite_url, "load", "--replace", str(dump), stdin="y\n")
    after_yes = slugs()
    unasked = cms(sqlite_url, "load", "--replace", "--yes", str(dump))

    assert declined.returncode == 1
    assert declined.stderr == (
        f"Delete 2 posts, 10 sections, 2 stories, 3 comments, 4 revisions from {sqlite_url} "
        f"and load 1 posts, 7 sections, 2 stories, 3 comments, 3 revisions from {dump}? "
        "[y/N]: \n"
        "Nothing was changed.\n"
    )
    assert no_answer.returncode == 1
    assert no_answer.stderr.endswith("? [y/N]: \nNothing was changed.\n")
    assert after_refusals == sorted(two)
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.startswith("Loaded 0 tags, 1 posts, 7 sections")
    assert after_yes == [SEED_SLUG]
    assert unasked.returncode == 0, unasked.stderr
    assert "[y/N]" not in unasked.stderr


def test_the_readme_backup_recipe_runs_as_printed(sqlite_url: str, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    recipe = readme.split("Whole-site backups", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    cms(sqlite_url, "seed")
    run = f"{shlex.quote(sys.executable)} -m cms"

    results = [
        subprocess.run(
            line.replace(".venv/bin/cms", run),
            shell=True,
            cwd=tmp_path,
            env={**os.environ, "CMS_DATABASE_URL": sqlite_url},
            input="y\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for line in recipe.splitlines()
    ]

    assert [r.returncode for r in results] == [0] * len(results), [r.stderr for r in results]
    restored = "sqlite://./restored.sqlite3"
    assert (tmp_path / "restored.sqlite3").is_file()
    assert results[1].stdout.startswith("Loaded 0 tags, 1 posts")
    exported = cms(restored, "export", SEED_SLUG, cwd=tmp_path).stdout
    assert exported.removesuffix("\n") == seed_text().removesuffix("\n")


def test_schema_check_passes_here_and_fails_on_a_stale_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "schema.graphql").write_text("type Query { stale: Int }\n")

    assert cms(sqlite_url, "schema", "--check").returncode == 0
    stale = cms(sqlite_url, "schema", "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert "stale" in stale.stderr


def test_help_explains_every_command(sqlite_url: str) -> None:
    result = cms(sqlite_url, "--help")

    for command in ("serve", "migrate", "seed", "import", "export", "dump", "load", "schema"):
        assert f" {command} " in result.stdout


def test_help_names_values_in_words_not_python_types(sqlite_url: str) -> None:
    commands = [
        ["import"],
        ["export"],
        ["seed"],
        ["dump"],
        ["load"],
        ["serve"],
        ["token", "create"],
    ]

    pages = {" ".join(c): cms(sqlite_url, *c, "--help").stdout for c in commands}

    python_types = re.compile(r"<(list\[|str|int|bool|path|Path|float)")
    assert {name: python_types.findall(page) for name, page in pages.items()} == {
        name: [] for name in pages
    }
    assert "PATH" in pages["import"]
    assert "--all  DIR" in re.sub(r" +", "  ", pages["export"])
    assert "--port  INTEGER" in re.sub(r" +", "  ", pages["serve"])


def test_a_site_moved_to_postgresql_and_back_dumps_the_same(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    cms(sqlite_url, "import", *(str(p) for p in ARTICLES))
    back = f"sqlite://{tmp_path / 'back.sqlite3'}"
    files = [tmp_path / f"{name}.json" for name in ("origin", "postgres", "back")]

    steps = [
        cms(sqlite_url, "dump", str(files[0])),
        cms(postgres_url, "load", str(files[0])),
        cms(postgres_url, "dump", str(files[1])),
        cms(back, "load", str(files[1])),
        cms(back, "dump", str(files[2])),
    ]

    assert [s.returncode for s in steps] == [0] * len(steps), [s.stderr for s in steps]
    origin, on_postgres, returned = (json.loads(f.read_text(encoding="utf-8")) for f in files)
    assert on_postgres == origin
    assert returned == origin
    assert len(origin["posts"]["rows"]) == len(ARTICLES)


@pytest.mark.parametrize(
    "command",
    [["token", "list"], ["import", "x.txt"], ["export", "--all", "out"], ["documents", "list"]],
)
def test_every_command_on_a_database_never_migrated_says_to_run_migrate(
    tmp_path: Path, command: list[str]
) -> None:
    url = f"sqlite://{tmp_path / 'new.sqlite3'}"
    migrations = len(list((ROOT / "cms" / "db" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py")))
    result = cms(url, *command, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"The database at {url} is not up to date ({migrations} migrations to apply, from "
        "0001_initial): "
        "run `cms migrate` first."
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://editor:hunter2@127.0.0.1:1/cms", "postgres://127.0.0.1:1/cms"),
        ("sqlite:///no-such-folder/cms.sqlite3", "sqlite:///no-such-folder/cms.sqlite3"),
    ],
)
@pytest.mark.parametrize("command", [["migrate"], ["token", "list"]])
def test_a_database_that_cannot_be_reached_is_named_without_its_password(
    url: str, shown: str, command: list[str]
) -> None:
    result = cms(url, *command)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"Cannot reach the database at {shown}.\n"
