"""The integration API at /api/v1/ (django-ninja, OpenAPI 3.1).

Bearer tokens only (no session auth, so no CSRF); every operation declares the permission it
checks (see `permissions.py`), and every error is a JSON problem body (see `errors.py`).
"""
