"""The local MESH server (sandbox.py) for every test in linkwell/mesh."""

from linkwell.mesh.tests.sandbox import mesh_sandbox

__all__ = ["mesh_sandbox"]
