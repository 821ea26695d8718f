"""The virus-scanning hook for uploads: ClamAV when installed, and honest about it when not.

`HIGHNEEDS_VIRUS_SCANNER` chooses the scanner:
- "auto" (default): the clamd socket if it exists, else `clamdscan` if it is on the PATH, else none;
- "clamd": the clamd daemon's socket (`HIGHNEEDS_CLAMD_SOCKET`), streamed with INSTREAM;
- "clamdscan": the `clamdscan` command, fed the file on standard input;
- "none": no scanning; every document is marked "not scanned" and the upload page says so;
- a dotted path to a function taking the bytes and returning a `Scan` (for another product, and tests).

A document is never marked clean unless a scanner said so. A file a scanner finds infected is refused,
and so is one the scanner could not check (a scanner that is configured but broken must not let files
through unchecked).
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

CLEAN, INFECTED, NOT_SCANNED, FAILED = "clean", "infected", "not_scanned", "failed"
DEFAULT_SOCKET = "/var/run/clamav/clamd.ctl"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Scan:
    status: str  # CLEAN, INFECTED, NOT_SCANNED or FAILED
    scanner: str = ""  # which scanner answered, as shown on the document
    detail: str = ""  # the signature found, or why the scan failed


def _socket_path() -> str:
    return getattr(settings, "HIGHNEEDS_CLAMD_SOCKET", DEFAULT_SOCKET)


def _choice() -> str:
    return getattr(settings, "HIGHNEEDS_VIRUS_SCANNER", "auto") or "none"


def scanner_name() -> str:
    """Which scanner uploads go through now, or "" when none is installed (pages say so)."""
    choice = _choice()
    if choice == "auto":
        if os.path.exists(_socket_path()):
            return "clamd"
        return "clamdscan" if shutil.which("clamdscan") else ""
    return "" if choice == "none" else choice


def scan(data: bytes) -> Scan:
    name = scanner_name()
    if not name:
        return Scan(NOT_SCANNED, "", "no virus scanner is installed")
    if name == "clamd":
        return _clamd(data)
    if name == "clamdscan":
        return _clamdscan(data)
    return import_string(name)(data)


def _verdict(scanner: str, reply: str) -> Scan:
    """clamd's reply: 'stream: OK', 'stream: Eicar-Signature FOUND' or '... ERROR'."""
    reply = reply.strip().strip("\0")
    if reply.endswith("OK"):
        return Scan(CLEAN, scanner)
    if reply.endswith("FOUND"):
        return Scan(INFECTED, scanner, reply.split(":", 1)[-1].removesuffix("FOUND").strip())
    return Scan(FAILED, scanner, reply or "no answer")


def _clamd(data: bytes) -> Scan:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(60)
            conn.connect(_socket_path())
            conn.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                piece = data[start : start + CHUNK]
                conn.sendall(struct.pack("!L", len(piece)) + piece)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                got = conn.recv(4096)
                if not got:
                    break
                reply += got
    except OSError as exc:
        return Scan(FAILED, "ClamAV (clamd)", str(exc))
    return _verdict("ClamAV (clamd)", reply.decode("utf-8", "replace"))


def _clamdscan(data: bytes) -> Scan:
    try:
        done = subprocess.run(
            ["clamdscan", "--no-summary", "-"], input=data, capture_output=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Scan(FAILED, "ClamAV (clamdscan)", str(exc))
    # Exit 0: clean; 1: virus found; 2: an error.
    if done.returncode in (0, 1):
        return _verdict(
            "ClamAV (clamdscan)",
            done.stdout.decode("utf-8", "replace").strip().splitlines()[-1]
            if done.stdout.strip()
            else ("OK" if done.returncode == 0 else "FOUND"),
        )
    return Scan(FAILED, "ClamAV (clamdscan)", done.stderr.decode("utf-8", "replace").strip() or "error")
