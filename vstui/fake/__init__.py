"""A protocol-faithful Gerrit emulator: real SSH (paramiko) and real HTTP on loopback."""
