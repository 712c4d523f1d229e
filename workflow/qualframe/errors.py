"""Errors a user can act on: each names the file, the place in it and what is wrong."""


class QualframeError(Exception):
    """A problem with the user's input, reported as one readable message (no traceback)."""

    def __init__(self, message: str, path: str | None = None, where: str | None = None):
        self.path = path
        self.where = where
        # one line, whatever a library's message held (pandas ends its own with "\n")
        self.detail = " ".join(part.strip() for part in message.splitlines() if part.strip())
        super().__init__(self._format())

    def _format(self) -> str:
        location = ""
        if self.path:
            # a file name can hold a line break or other control character: shown escaped,
            # so the message stays one line
            location = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in self.path)
            if self.where:
                location += f", {self.where}"
            location += ": "
        return f"{location}{self.detail}"


class ValidationFailed(QualframeError):
    """A table broke its contract; `report` holds one row per failure."""

    def __init__(self, message: str, report, path: str | None = None):
        self.report = report
        super().__init__(message, path=path)


class QualframeErrors(QualframeError):
    """Several problems found at once, each reported as its own line."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__(f"{len(self.lines)} problem(s): {self.lines[0] if self.lines else ''}")
