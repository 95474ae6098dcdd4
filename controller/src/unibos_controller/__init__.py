"""The controller side of UNIBOS: what runs on the controller (the build machine) only.

Hosts never install this package: they run the app, `unibos` (app/), which this package
depends on and which never imports it. Here live the test kit that the app's tests, the
Molecule verifies and the benchmarks share (`unibos_controller.testbed`), and the
operator tools that drive a deployment from the controller.
"""

__version__ = "0.1.0"
