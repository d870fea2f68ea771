"""Environment reads and tests skipped on them, written the way Fixit rules usually are.

It resolves aliases with LibCST's ``QualifiedNameProvider`` (``from os import environ as E``,
``import os as o``), which is what a Fixit user would reach for, and reports:

- a read of the process environment: ``os.environ[...]``, ``os.environ.get(...)``,
  ``os.getenv(...)``, ``"X" in os.environ``;
- a skip decorator or call whose condition reads the environment: ``pytest.mark.skipif``,
  ``unittest.skipIf`` / ``skipUnless``, ``pytest.skip`` / ``self.skipTest`` under an env test.
"""

from __future__ import annotations

import libcst as cst
from fixit import Invalid, LintRule, Valid
from libcst.metadata import QualifiedNameProvider

ENVIRON = {"os.environ"}
GETTERS = {"os.getenv", "os.environ.get", "os.getenvb"}
SKIP_DECORATORS = {"pytest.mark.skipif", "unittest.skipIf", "unittest.skipUnless"}
SKIP_CALLS = {"pytest.skip", "unittest.SkipTest"}


class _EnvFinder(cst.CSTVisitor):
    def __init__(self, rule: NoEnvSkipOrProbe) -> None:
        self.rule = rule
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if self.rule.names(node.func) & GETTERS:
            self.found = True

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.rule.names(node.value) & ENVIRON:
            self.found = True

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if self.rule.names(target.comparator) & ENVIRON:
                self.found = True


class NoEnvSkipOrProbe(LintRule):
    """Tests read env vars through the integration-mode helper and never skip on them."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider,)
    MESSAGE = "read the environment through the integration-mode helper"

    VALID = [
        Valid("from integration_mode import require_env\nURL = require_env('DB')\n"),
        Valid("import os\npath = os.path.join('a', 'b')\n"),
    ]
    INVALID = [
        Invalid("import os\nURL = os.environ['DATABASE_URL']\n"),
        Invalid("from os import getenv as g\nURL = g('DATABASE_URL')\n"),
        Invalid("import os\nLIVE = 'DB' in os.environ\n"),
        Invalid(
            "import os, pytest\n"
            "@pytest.mark.skipif(not os.getenv('DB'), reason='no db')\n"
            "def test_db(): ...\n"
        ),
    ]

    def names(self, node: cst.CSTNode) -> set[str]:
        return {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _reads_env(self, node: cst.CSTNode) -> bool:
        finder = _EnvFinder(self)
        node.visit(finder)
        return finder.found

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        target = node.decorator
        skip = isinstance(target, cst.Call) and self.names(target.func) & SKIP_DECORATORS
        if skip and self._reads_env(target):
            self.report(node, "test skipped when an environment variable is missing")
            return False
        return True

    def visit_If(self, node: cst.If) -> bool:
        if self._reads_env(node.test):
            skips = _SkipFinder(self)
            node.body.visit(skips)
            if skips.found:
                self.report(node, "test skipped when an environment variable is missing")
                return False
        return True

    def visit_Call(self, node: cst.Call) -> None:
        if self.names(node.func) & GETTERS:
            self.report(node, self.MESSAGE)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.names(node.value) & ENVIRON:
            self.report(node, self.MESSAGE)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if self.names(target.comparator) & ENVIRON:
                self.report(node, self.MESSAGE)


class _SkipFinder(cst.CSTVisitor):
    def __init__(self, rule: NoEnvSkipOrProbe) -> None:
        self.rule = rule
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self.rule.names(func) & SKIP_CALLS or (
            isinstance(func, cst.Attribute) and func.attr.value == "skipTest"
        ):
            self.found = True
