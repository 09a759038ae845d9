"""Errors callers can show as they are: each carries a Vietnamese message.

BadPdfError        the input is not a PDF we can sign or verify (→ 400/422 for the caller)
NoCredentialError  the user or agency has no active signing credential (→ 409/422)
SigningConfigError a credential points at a missing file, a wrong passphrase, a dead token (→ 503/500-free)
"""


class SignatureError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadPdfError(SignatureError):
    pass


class NoCredentialError(SignatureError):
    pass


class SigningConfigError(SignatureError):
    pass
