"""Domain exceptions with plain names; their messages are shown to users as they stand."""


class WorkbookError(Exception):
    """Base of every error whose message is a plain sentence fit to show a user."""


class NotAllowed(WorkbookError):
    """The current user may not see or do this."""


class UnusableFile(WorkbookError):
    """An extract that cannot be used at all: missing, a folder, empty, binary, no event_date column.

    The command line exits 2 with this message on stderr.
    """


class MappingError(UnusableFile):
    """The column mapping file cannot be read or names columns the extract does not have."""


class UnreadableRecord(WorkbookError):
    """A stored record that cannot be read (`store.readable` decides): a list leaves it out and names it where it
    would be. The message is all a user is told; the cause is logged for the administrator."""

    def __init__(self, record_id, event_date=None):
        self.record_id, self.event_date = str(record_id), event_date
        super().__init__(f"Record {self.record_id} could not be read; tell your administrator.")


class UnknownKind(WorkbookError, KeyError):
    """A kind of record the workbook does not keep (`records.kinds` declares every kind it keeps). A KeyError
    too, so a lookup by kind behaves as a mapping's does."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(f"The workbook does not keep records of the kind '{kind}'.")

    def __str__(self) -> str:
        return str(self.args[0])
