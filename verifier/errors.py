"""Errors the library raises; the CLI and the UI show ``str(error)`` as one line."""


class VerifierError(Exception):
    """Base class: the message says what is wrong and what to do about it."""


class InputError(VerifierError):
    """A file or value given by the user cannot be used (empty, binary, malformed...)."""


class SettingsError(VerifierError):
    """A setting (environment variable or option) has a value that cannot be used."""


class SchemaError(VerifierError):
    """The database has no verifier schema yet, an older one, or one this version does not know."""


class ModelError(VerifierError):
    """The embedding model is missing, or its weights are not the expected file."""
