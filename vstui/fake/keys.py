"""SSH key material for the emulator: one host key and one key pair per account.

Keys are ed25519, written in OpenSSH's private key format (readable by paramiko and by
the `ssh` client) with mode 0600, and reused from the state directory on the next start
so that known_hosts entries and key paths handed to clients stay valid.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def atomic_write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_or_create_ed25519(path: Path, comment: str = "") -> paramiko.Ed25519Key:
    """Return the ed25519 key stored at `path`, generating it (and `path.pub`) if absent.

    A key file that cannot be read is replaced rather than trusted half-way.
    """
    if path.exists():
        try:
            return paramiko.Ed25519Key(filename=str(path))
        except (paramiko.SSHException, OSError, ValueError):
            pass
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    atomic_write(path, pem, 0o600)
    key = paramiko.Ed25519Key(filename=str(path))
    pub = f"{key.get_name()} {key.get_base64()}"
    atomic_write(
        path.with_name(path.name + ".pub"), f"{pub} {comment}".rstrip().encode() + b"\n", 0o644
    )
    return key


def public_line(key: paramiko.PKey, comment: str = "") -> str:
    """The key as an `authorized_keys` / Gerrit "SSH keys" line."""
    return f"{key.get_name()} {key.get_base64()} {comment}".rstrip()


def known_hosts_line(host: str, port: int, key: paramiko.PKey) -> str:
    """The line OpenSSH (and paramiko) expect in known_hosts for `host:port`."""
    target = host if port == 22 else f"[{host}]:{port}"
    return f"{target} {key.get_name()} {key.get_base64()}"
