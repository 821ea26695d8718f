from tests.returns.conftest import council  # noqa: F401  (a small council to build a SEN2 return from)
