from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Still argon2, with cheap parameters so the test suite does not spend minutes hashing."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
