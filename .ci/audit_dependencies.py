"""Known vulnerabilities in the installed packages: pip-audit, failing on any (docs/security.md).

pip-audit asks PyPI's JSON API about each installed release (/pypi/<name>/<version>/json). A
package whose release page does not answer (some mirrors serve only the project page) is
skipped by pip-audit; this script then reads the project page (/pypi/<name>/json), whose
`vulnerabilities` are those of the newest release:

- the newest release installed: audited from that list;
- an older release of a package the application runs on: a failure (upgrade it);
- an older release of a development-only tool (tests, linters): reported, not a failure,
  since it never runs on a server.

Exit status 0 only when nothing known is vulnerable and everything that ships was audited.
Run with the project's interpreter: .venv/bin/python .ci/audit_dependencies.py
"""

import json
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"


def runtime_packages() -> set[str]:
    """Return the canonical names of the project's run-time dependencies, transitively."""
    # From pyproject.toml, not the installed metadata: the check must not depend on how (or
    # whether) the project itself was installed.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    seen: set[str] = set()
    pending: list[tuple[str | None, frozenset[str]]] = [(None, frozenset())]
    while pending:
        name, extras = pending.pop()
        requires = project["dependencies"] if name is None else metadata.requires(name) or []
        for line in requires:
            requirement = Requirement(line)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(
                requirement.marker.evaluate(env) for env in environments
            ):
                continue
            key = canonicalize_name(requirement.name)
            if key not in seen:
                seen.add(key)
                pending.append((requirement.name, frozenset(requirement.extras)))
    return seen


def project_page(name: str) -> dict:
    url = PYPI_PROJECT.format(name=name)
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310  (a fixed https URL)
        return json.load(response)


def main() -> int:
    result = subprocess.run(  # noqa: S603  (a fixed command line)
        [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
        + ["--skip-editable"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout, result.stderr, sep="\n")
        print("pip-audit did not produce a report")
        return 1

    runtime = runtime_packages()
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["name"]
    failures, notes = [], []
    by_release, by_project_page = 0, 0
    for dependency in report["dependencies"]:
        name = dependency["name"]
        if "skip_reason" not in dependency:
            by_release += 1
            for vuln in dependency["vulns"]:
                failures.append(
                    f"{name} {dependency['version']}: {vuln['id']} "
                    f"(fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})"
                )
            continue
        if canonicalize_name(name) == canonicalize_name(project):
            continue  # this project itself (bandit reads its code)
        installed = metadata.version(name)
        try:
            page = project_page(name)
        except (urllib.error.URLError, TimeoutError) as error:
            failures.append(
                f"{name} {installed}: not audited ({dependency['skip_reason']}; {error})"
            )
            continue
        newest = page["info"]["version"]
        if installed == newest:
            by_project_page += 1
            for vuln in page.get("vulnerabilities", []):
                if not vuln.get("withdrawn") and installed not in vuln.get("fixed_in", []):
                    failures.append(f"{name} {installed}: {vuln['id']} (no fixed release yet)")
        elif canonicalize_name(name) in runtime:
            failures.append(
                f"{name} {installed}: not audited, and the application runs on it; the newest "
                f"release is {newest}: upgrade (pyproject.toml)"
            )
        else:
            notes.append(f"{name} {installed} (newest {newest}): development only, not audited")

    for note in notes:
        print(f"note: {note}")
    for failure in failures:
        print(f"FAIL: {failure}")
    print(
        f"pip-audit: {by_release} packages audited by release, {by_project_page} as the newest "
        f"release (project page), {len(notes)} development-only not audited; "
        f"{len(failures)} problems"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
