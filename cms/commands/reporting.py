"""What long commands say on stderr while they work: a progress bar on a terminal; plain,
whole lines otherwise, so scripts and logs can read `file:line: reason` as written."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, TaskID
from rich.text import Text

LINE_INTERVAL_S = 5.0  # at most one progress line this often when stderr is not a terminal


class Report:
    """Errors and progress of one command, on stderr."""

    def __init__(
        self, stream: TextIO | None = None, *, bar_from: int = 1, lines: bool = True
    ) -> None:
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.bar_from = bar_from  # tasks of fewer items show no progress
        self.lines = lines  # progress lines off a terminal (when stdout does not say enough)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._description = ""
        self._last_line = time.monotonic()
        self._finished: set[str] = set()

    def __enter__(self) -> Report:
        if self.terminal:
            console = Console(file=self.stream)
            self._progress = Progress(console=console, transient=True)
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def error(self, line: str) -> None:
        """One line, never wrapped nor read as markup (red on a terminal)."""
        if self._progress is not None:
            self._progress.console.print(Text(line, style="red"), soft_wrap=True)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def step(self, description: str, done: int, total: int) -> None:
        """Where a task of `total` items stands (tasks under `bar_from` items are not shown).
        Off a terminal: a line at most every LINE_INTERVAL_S, and one when the task ends."""
        if total < self.bar_from:
            return
        if self._progress is not None:
            if self._task is None or description != self._description:
                if self._task is not None:
                    self._progress.remove_task(self._task)
                self._task = self._progress.add_task(description, total=total)
                self._description = description
            self._progress.update(self._task, completed=done, total=total)
            return
        if not self.lines:
            return
        now = time.monotonic()
        finished = done >= total
        if finished and description in self._finished:
            return
        if finished or now - self._last_line >= LINE_INTERVAL_S:
            self._last_line = now
            if finished:
                self._finished.add(description)
            self.stream.write(f"{description}: {done:,} of {total:,}\n")
            self.stream.flush()
