"""Errors a user can cause, each with one clear line in Chinese and English.

Every error here inherits from `AnalyzerError` and from the built-in exception a caller would expect
(`ValueError`, `OSError`), in the manner of scikit-learn's ``NotFittedError(ValueError, AttributeError)``.
The CLI turns any `AnalyzerError` into one line on stderr and exit code 2; the library never prints.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class of every error the analyzer raises on purpose.

    Attributes:
        message: One line in Chinese, followed by the English, saying what happened and what to do.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AnalyzerError, ValueError):
    """The input cannot be analysed as given (bad usage, unsupported value)."""


class UnreadableFileError(AnalyzerError, OSError):
    """A file exists but cannot be read as a report (format, encryption, corruption, size)."""

    def __init__(self, path: object, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class UnsupportedFormatError(UnreadableFileError):
    """The file is of a format the analyzer does not read (old .doc, .wps, images, …)."""


class EncryptedFileError(UnreadableFileError):
    """The file is protected by a password."""


class FileTooLargeError(UnreadableFileError):
    """The file, or an archive member inside it, is over the configured size limit."""


class CorruptFileError(UnreadableFileError):
    """The file is damaged or is not what its extension says."""


class NoTextError(UnreadableFileError):
    """The file holds no text layer (a scanned PDF) or no text at all."""
