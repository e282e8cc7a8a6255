"""Domain exceptions with plain names; their messages are shown to users as they stand."""


class WorkbookError(Exception):
    """Base of every error whose message is a plain sentence fit to show a user."""


class UnusableFile(WorkbookError):
    """An extract that cannot be used at all: missing, a folder, empty, binary, no event_date column.

    The command line exits 2 with this message on stderr.
    """


class MappingError(UnusableFile):
    """The column mapping file cannot be read or names columns the extract does not have."""
